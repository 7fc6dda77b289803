"""Usage metering, the fund ledger and billing: the database side of issue 5."""
