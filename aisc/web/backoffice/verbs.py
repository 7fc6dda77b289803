"""The audit verbs of the outbox's dead letters (a message becoming one, retry, discard): one
constant per verb, named `app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
"""

MESSAGE_DEAD_LETTER = "outbox.message.dead_letter"  # by the worker, as the system
MESSAGE_DISCARD = "outbox.message.discard"
MESSAGE_RETRY = "outbox.message.retry"
