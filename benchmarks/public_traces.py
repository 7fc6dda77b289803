"""Where the benchmarks find the public trace data: one variable, AISC_TRACE_DIR (docs/traces.md).
Imported by the simulator benchmarks; on its own it has nothing to run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TRACE_ENV = "AISC_TRACE_DIR"


def trace_path(relative: str) -> Path:
    """A file or folder of the public traces; stops with a message saying how to get them."""
    root = os.environ.get(TRACE_ENV, "")
    path = Path(root) / relative
    if not root or not path.exists():
        sys.exit(
            f"{TRACE_ENV} must name the public trace data holding {relative} "
            f"(see docs/traces.md); skipped"
        )
    return path
