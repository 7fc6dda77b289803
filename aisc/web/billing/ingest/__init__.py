"""Reading usage: job records from a cluster or a file, parsed, planned and written.

Owns the usage tables (`UsageRecord`, `UsageCharge`, `UsageTotal`, `IngestCursor`,
`RejectedLine`): what a record is charged per chip and month, which records of a reading are new,
corrected or rejected, and the one writer that stores them with their checkpoint. Nothing here
prices or bills: that is `closing`'s.
"""
