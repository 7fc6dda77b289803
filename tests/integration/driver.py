"""Writes for the tests that run aisc in real processes: `python -m` this module.

    python -m tests.integration.driver mail N PREFIX   # N mails, subjects PREFIX0 … PREFIXN-1
    python -m tests.integration.driver ledger N        # N ledger entries, one transaction each

The database comes from AISC_DATABASE_URL; the mails are queued in one transaction, as a do_*
action queues its side effects.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from django.db import transaction

    if argv[0] == "ledger":
        post_ledger_entries(int(argv[1]))
        return
    from aisc.web.accounts.models import User
    from aisc.web.notify.mailing import KIND
    from aisc.web.outbox import dispatch

    count, prefix = int(argv[1]), argv[2]
    user, _ = User.objects.get_or_create(email="worker-test@example.hk")
    with transaction.atomic():
        for n in range(count):
            dispatch.enqueue(KIND, {"user_id": user.pk, "subject": f"{prefix}{n}", "body": "hi"})


def post_ledger_entries(count: int) -> None:
    """Balanced entries, each with its audit row in one do_* transaction (as the fund sync)."""
    import datetime as dt
    from decimal import Decimal

    from aisc.core.ledger.entries import Posting, make_entry
    from aisc.web.billing.actions import do_post_entries

    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    for n in range(count):
        amount = Decimal(n % 97 + 1)
        entry = make_entry(
            f"test:{n}", "a test movement", at,
            [Posting("fund:test", -amount), Posting(f"project:p{n % 7}", amount)],
        )  # fmt: skip
        do_post_entries([entry], acting_user=None, verb="test.ledger.post")


if __name__ == "__main__":
    main(sys.argv[1:])
