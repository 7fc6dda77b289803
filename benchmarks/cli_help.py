"""How long `aisc --help` takes, as a new process (the target: well under a second).

Usage: .venv/bin/python benchmarks/cli_help.py [RUNS]   prints the median and worst wall time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

AISC = Path(sys.executable).parent / "aisc"


def once() -> float:
    start = time.perf_counter()
    subprocess.run([str(AISC), "--help"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    once()  # warm the file cache: the first run after an install reads every .pyc from disk
    times = sorted(once() for _ in range(runs))
    median = statistics.median(times)
    print(f"aisc --help: median {median:.3f} s, worst {times[-1]:.3f} s, {runs} runs")


if __name__ == "__main__":
    main()
