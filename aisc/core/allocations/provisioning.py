"""Desired Slurm state derived from allocations: an account per project under a parent account
per call, users with associations, GrpTRESMins on typed GRES from released GPU-hours, QOS,
reservations for dedicated tenants, suspension when no new jobs may start."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from aisc.core.allocations.lifecycle import NO_NEW_JOBS, PROVISIONED, Status
from aisc.core.allocations.slurmstate import (
    PREFIX,
    ROOT_ACCOUNT,
    Account,
    Qos,
    Reservation,
    SlurmState,
    UserAssoc,
    gpu_tres,
    tres,
)
from aisc.core.units import gpu_hours_to_minutes

COMMERCIAL_PARENT = "commercial"
SUBSIDY_QOS = Qos(f"{PREFIX}subsidy", priority=100)
COMMERCIAL_QOS = Qos(f"{PREFIX}commercial", priority=50)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class AllocationSpec:
    project_code: str
    parent: str  # the call's code; COMMERCIAL_PARENT for a commercial tenant
    organisation: str
    status: str
    subsidised: bool
    released: Mapping[str, Decimal]  # chip -> released GPU-hours
    start: dt.datetime
    end: dt.datetime
    members: tuple[str, ...] = ()  # Unix user names on the cluster
    dedicated_nodes: tuple[str, ...] = ()


@dataclass
class Plan:
    desired: SlurmState
    problems: list[str] = field(default_factory=list)  # allocations (partly) left out, and why


def slug(text: str) -> str:
    """What Slurm keeps of an organisation name: lower case, no spaces."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "none"


def reservation_name(project_code: str) -> str:
    return f"{PREFIX}{project_code}"


def desired_state(specs: Iterable[AllocationSpec], gpu_types: Iterable[str]) -> Plan:
    """`gpu_types` are the chips the cluster accounts for. Every project gets a budget on each
    of them, zero where nothing is released, so no chip is free to use by omission."""
    types = sorted(gpu_types)
    plan = Plan(
        SlurmState(
            accounts={ROOT_ACCOUNT: _parent(ROOT_ACCOUNT, "root")},
            qos={q.name: q for q in (SUBSIDY_QOS, COMMERCIAL_QOS)},
        )
    )
    for spec in sorted(specs, key=lambda s: s.project_code):
        if Status(spec.status) not in PROVISIONED:
            continue
        if not _valid_names(spec, plan):
            continue
        plan.desired.accounts.setdefault(spec.parent, _parent(spec.parent, ROOT_ACCOUNT))
        plan.desired.accounts[spec.project_code] = _project_account(spec, types, plan)
        plan.desired.users |= {UserAssoc(m, spec.project_code) for m in spec.members}
        if spec.dedicated_nodes and Status(spec.status) == Status.ACTIVE:
            name = reservation_name(spec.project_code)
            plan.desired.reservations[name] = Reservation(
                name,
                (spec.project_code,),
                tuple(sorted(spec.dedicated_nodes)),
                spec.start,
                spec.end,
            )
    return plan


def _parent(name: str, parent: str) -> Account:
    return Account(name, parent, name, "aisc", qos=("normal",))


def _valid_names(spec: AllocationSpec, plan: Plan) -> bool:
    bad = [n for n in (spec.project_code, spec.parent, *spec.members) if not _SLUG.match(n)]
    for name in bad:
        plan.problems.append(
            f"{spec.project_code}: {name!r} is not a valid Slurm name (lower-case letters, digits, "
            "'-' and '_', at most 40) - left out"
        )
    return not bad


def _project_account(spec: AllocationSpec, types: list[str], plan: Plan) -> Account:
    for chip in sorted(spec.released.keys() - set(types)):
        plan.problems.append(
            f"{spec.project_code}: the cluster has no {chip} GPUs (gres/gpu:{chip}); "
            f"its {spec.released[chip]} released {chip} GPU-hours cannot be enforced"
        )
    budget = {
        gpu_tres(c): max(gpu_hours_to_minutes(spec.released.get(c, Decimal(0))), 0) for c in types
    }
    qos = SUBSIDY_QOS if spec.subsidised else COMMERCIAL_QOS
    stop = 0 if Status(spec.status) in NO_NEW_JOBS else None
    return Account(
        spec.project_code,
        spec.parent,
        spec.project_code,
        slug(spec.organisation),
        grp_tres_mins=tres(budget),
        qos=tuple(sorted((qos.name, "normal"))),
        default_qos=qos.name,
        grp_jobs=stop,
        grp_submit_jobs=stop,
    )
