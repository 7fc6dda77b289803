"""Writes for the tests that run aisc in real processes: `python -m` this module.

    python -m tests.integration.driver mail N PREFIX   # N mails, subjects PREFIX0 … PREFIXN-1

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

    from aisc.web.accounts.models import User
    from aisc.web.notify.mailing import KIND
    from aisc.web.outbox import dispatch

    count, prefix = int(argv[1]), argv[2]
    user, _ = User.objects.get_or_create(email="worker-test@example.hk")
    with transaction.atomic():
        for n in range(count):
            dispatch.enqueue(KIND, {"user_id": user.pk, "subject": f"{prefix}{n}", "body": "hi"})


if __name__ == "__main__":
    main(sys.argv[1:])
