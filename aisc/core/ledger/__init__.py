"""Double-entry fund ledger: accounts, balanced entries with idempotency keys, reversals, views."""
