"""Closing a month: the unbilled charges rated, one statement per project, posted to the ledger.

Owns periods, statements and their lines, the watermarks that say which charges a close billed,
and the figures shown of them (pages, CSV, `--json`, API).
"""
