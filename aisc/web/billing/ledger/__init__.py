"""The fund's ledger: entries posted once by key, balances, reversals, and the fund's movements.

Owns `LedgerEntry` and `LedgerPosting` (append-only), the scheme appropriations, call budgets and
award commitments posted onto it, and the fund and receivables read from it.
"""
