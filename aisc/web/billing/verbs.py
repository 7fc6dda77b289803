"""The audit verbs of usage ingests, period closes, ledger postings and reversals: one constant per
verb, named `app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
"""

COMMITMENT_REVERSE = "billing.commitment.reverse"
ENTRY_REVERSE = "billing.entry.reverse"
FUND_SYNC = "billing.fund.sync"
PERIOD_CLOSE = "billing.period.close"
USAGE_INGEST = "billing.usage.ingest"
PAYMENT_RECORD = "billing.payment.record"
RECEIVABLE_REMIND = "billing.receivable.remind"
RECOVERY_OPEN = "billing.recovery.open"
RECOVERY_WRITE_OFF_PROPOSE = "billing.recovery.write_off_propose"
RECOVERY_WRITE_OFF_DECIDE = "billing.recovery.write_off_decide"
