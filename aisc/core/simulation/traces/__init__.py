"""Trace formats: one module per format, each with `load(lines, source, *, strict) -> Trace`."""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces import csv, gavel, philly, sacct, swf
from aisc.core.simulation.traces.base import Trace

Loader = Callable[..., Trace]

# format name -> its `load`: a new format adds one line here.
FORMATS: dict[str, Loader] = {
    "csv": csv.load,
    "philly": philly.load,
    "gavel": gavel.load,
    "swf": swf.load,
    "sacct": sacct.load,
}


def loader(fmt: str) -> Loader:
    load = FORMATS.get(fmt)
    if load is None:
        raise RuleViolation(
            "unknown trace format %(fmt)s; known: %(value)s",
            field="trace_format",
            params={"fmt": f"{fmt!r}", "value": ", ".join(sorted(FORMATS))},
        )
    return load


def parse_lines(
    lines: Iterable[str], fmt: str, source: str, *, strict: bool = False, **options: Any
) -> Trace:
    return loader(fmt)(lines, source, strict=strict, **options)


def load_file(path: Path, fmt: str, *, strict: bool = False, **options: Any) -> Trace:
    """Load a trace file; `options` are the format's own (swf: `procs_per_gpu`).

    gavel: `path` may also be a directory (its `*.trace` files) or a glob pattern, one trace.
    """
    load = loader(fmt)
    try:
        if fmt == "gavel":
            files = trace_files(path)
            with ExitStack() as stack:
                opened = [(p.name, stack.enter_context(_open(p))) for p in files]
                return gavel.load_many(opened, str(path), strict=strict, **options)
        with _open(path) as lines:
            return load(lines, str(path), strict=strict, **options)
    except OSError as exc:
        raise RuleViolation(
            "cannot read trace %(path)s: %(strerror)s",
            field="trace",
            params={"path": path, "strerror": exc.strerror},
        ) from exc
    except UnicodeDecodeError as exc:
        raise RuleViolation(
            "trace %(path)s is not UTF-8 text: %(reason)s",
            field="trace",
            params={"path": path, "reason": exc.reason},
        ) from exc


def _open(path: Path) -> TextIO:
    return path.open(encoding="utf-8", newline="")


def trace_files(path: Path) -> list[Path]:
    """A file, a directory's `*.trace` files, or a glob pattern's matches, sorted by name."""
    if path.is_dir():
        found = sorted(path.glob("*.trace"))
    elif any(mark in str(path) for mark in "*?["):
        found = sorted(Path(p) for p in glob.glob(str(path)) if Path(p).is_file())
    else:
        return [path]
    if not found:
        raise RuleViolation("no trace files match %(path)s", field="trace", params={"path": path})
    return found
