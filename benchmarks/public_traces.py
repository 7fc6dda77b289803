"""Where the benchmarks find the public trace data: one variable, AISC_TRACE_DIR (docs/traces.md).
Imported by the simulator benchmarks; on its own it has nothing to run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TRACE_ENV = "AISC_TRACE_DIR"


def find(relative: str) -> Path | None:
    """A file or folder of the public traces, or None where the variable is unset or the data
    there does not hold it (for a benchmark that runs them only as an extra)."""
    root = os.environ.get(TRACE_ENV, "")
    path = Path(root) / relative
    return path if root and path.exists() else None


def trace_path(relative: str) -> Path:
    """A file or folder of the public traces; stops with a message saying how to get them."""
    path = find(relative)
    if path is None:
        sys.exit(
            f"{TRACE_ENV} must name the public trace data holding {relative} "
            f"(see docs/traces.md); skipped"
        )
    return path
