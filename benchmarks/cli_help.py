"""How long `aisc --help` takes, as a new process (the target: well under a second).

Usage: .venv/bin/python benchmarks/cli_help.py [RUNS]
Prints the median and worst wall time, and the median CPU time (user + system) of the process:
on a shared, loaded machine the wall time mostly measures waiting for a core, the CPU time what
the command itself costs. The same figures for a bare `python -c "import typer"` give the floor
that no lazy loading of aisc's own modules can go below.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

AISC = Path(sys.executable).parent / "aisc"


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


COMMANDS = {
    "aisc --help": [str(AISC), "--help"],
    "python -c 'import typer' (the floor)": [sys.executable, "-c", "import typer"],
}


def once(command: list[str]) -> tuple[float, float]:
    cpu_before, start = cpu_of_children(), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start, cpu_of_children() - cpu_before


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for label, command in COMMANDS.items():
        once(command)  # warm the file cache: the first run after an install reads every .pyc
        samples = [once(command) for _ in range(runs)]
        wall = sorted(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        print(
            f"{label}: wall median {statistics.median(wall):.3f} s, worst {wall[-1]:.3f} s; "
            f"CPU median {cpu:.3f} s; {runs} runs"
        )


if __name__ == "__main__":
    main()
