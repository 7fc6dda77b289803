"""Trace-driven simulation: a deterministic event engine, trace loaders and metrics."""
