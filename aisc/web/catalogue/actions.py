"""Mutations of the catalogue: rate cards, exchange rates and node states, each audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from aisc.core.catalogue.exchange import ThroughputRate, check_rates
from aisc.core.catalogue.rates import RateSpan, check_rate_cards, supersede
from aisc.core.errors import RuleViolation
from aisc.web.audit.record import record
from aisc.web.catalogue import verbs
from aisc.web.catalogue.models import ExchangeRate, Node, NodeState, PartitionPremium, RateCard

if TYPE_CHECKING:
    from aisc.web.accounts.models import User


@dataclass(frozen=True)
class RateCardInput:
    chip: str
    valid_from: dt.date
    valid_to: dt.date | None
    price: Decimal
    dedicated_premium: Decimal = Decimal(0)
    basis: str = ""


def _card_facts(card: RateCard) -> dict[str, Any]:
    return {
        "chip": card.chip_id,
        "valid_from": card.valid_from,
        "valid_to": card.valid_to,
        "price": card.price,
        "dedicated_premium": card.dedicated_premium,
    }


@transaction.atomic
def do_save_rate_card(
    given: RateCardInput, *, acting_user: User | None, card: RateCard | None = None
) -> RateCard:
    """Create or change a card; refused when the chip's cards would overlap or leave a gap.

    A new card that starts after the open-ended current one supersedes it: the current card is
    ended on the new card's first day (audited), so a price change is one step, not two.
    """
    if given.dedicated_premium < 0:
        raise RuleViolation("a premium cannot be negative", field="dedicated_premium")
    span = RateSpan(given.chip, given.valid_from, given.valid_to, given.price)
    # Lock the chip's cards so two operators cannot both pass the check and overlap.
    others = list(RateCard.objects.select_for_update().filter(chip_id=given.chip))
    if card is not None:
        others = [other for other in others if other.pk != card.pk]
        check_rate_cards([*(other.as_core() for other in others), span])
    else:
        _end_superseded(others, supersede([o.as_core() for o in others], span), acting_user)
    return _write_card(card, given, acting_user)


def _end_superseded(cards: list[RateCard], ended: list[RateSpan], acting_user: User | None) -> None:
    for row, span in zip(cards, ended, strict=True):
        if row.valid_to != span.valid_to:
            before = _card_facts(row)
            row.valid_to = span.valid_to
            row.save(update_fields=["valid_to"])
            record(
                acting_user,
                verbs.RATECARD_SUPERSEDE,
                row,
                before=before,
                after=_card_facts(row),
            )


def _write_card(card: RateCard | None, given: RateCardInput, acting_user: User | None) -> RateCard:
    before = _card_facts(card) if card is not None else None
    card = card or RateCard()
    card.chip_id = given.chip
    card.valid_from, card.valid_to = given.valid_from, given.valid_to
    card.price, card.dedicated_premium, card.basis = (
        given.price,
        given.dedicated_premium,
        given.basis,
    )
    card.save()
    verb = verbs.RATECARD_CREATE if before is None else verbs.RATECARD_CHANGE
    record(acting_user, verb, card, before=before, after=_card_facts(card))
    return card


@transaction.atomic
def do_set_partition_premiums(
    card: RateCard, premiums: dict[int, Decimal], *, acting_user: User | None
) -> None:
    """Make the card's partition premiums exactly `premiums` (partition id -> fraction)."""
    if any(p < 0 for p in premiums.values()):
        raise RuleViolation("a premium cannot be negative", field="premium")
    current = {p.partition_id: p.premium for p in PartitionPremium.objects.filter(rate_card=card)}
    if current == premiums:
        return
    PartitionPremium.objects.filter(rate_card=card).exclude(partition_id__in=premiums).delete()
    for partition_id, premium in premiums.items():
        PartitionPremium.objects.update_or_create(
            rate_card=card, partition_id=partition_id, defaults={"premium": premium}
        )
    record(
        acting_user,
        verbs.RATECARD_PREMIUMS,
        card,
        before={str(k): v for k, v in current.items()},
        after={str(k): v for k, v in premiums.items()},
    )


@transaction.atomic
def do_save_exchange_rate(
    rate: ThroughputRate, *, acting_user: User | None, basis: str = ""
) -> ExchangeRate:
    """Add a rate that takes effect on a day, or change the factor of that day's rate."""
    check_rates([rate])
    row = ExchangeRate.objects.filter(chip_id=rate.chip, valid_from=rate.valid_from).first()
    before = {"factor": row.factor} if row is not None else None
    row = row or ExchangeRate(chip_id=rate.chip, valid_from=rate.valid_from)
    row.factor, row.basis = rate.factor, basis
    row.save()
    after = {"chip": rate.chip, "valid_from": rate.valid_from, "factor": rate.factor}
    record(acting_user, verbs.EXCHANGE_SAVE, row, before=before, after=after)
    return row


@transaction.atomic
def do_set_node_state(
    node: Node, state: str, *, acting_user: User | None, reason: str = ""
) -> Node:
    if state not in NodeState.values:
        raise RuleViolation(f"state must be one of {', '.join(NodeState.values)}", field="state")
    if state in (NodeState.DRAIN, NodeState.DOWN) and not reason.strip():
        raise RuleViolation("say why a node is drained or down", field="reason")
    before = {"state": node.state, "reason": node.state_reason}
    node.state, node.state_reason = state, reason.strip()
    node.save(update_fields=["state", "state_reason"])
    record(acting_user, verbs.NODE_STATE, node, before=before, after={"state": state})
    return node
