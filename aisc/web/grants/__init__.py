"""The subsidy scheme: calls, applications, screening, review, decisions, awards, reports."""
