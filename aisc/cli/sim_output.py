"""`--out DIR`: per-job results as CSV and plots (utilisation and queue over time, JCT CDF)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisc.core import csvcells

if TYPE_CHECKING:
    from aisc.core.simulation.run import SimulationResult

PLOT_FORMATS = ("png", "svg")


def _check_format(fmt: str) -> None:
    from aisc.core.errors import RuleViolation

    if fmt not in PLOT_FORMATS:
        raise RuleViolation(f"plot format {fmt!r} must be png or svg", field="plot_format")


def _save(fig: Any, path: Path) -> None:
    """Save without a creation date and with fixed SVG element ids, so that the same run writes
    the same bytes (as its CSV and JSON do)."""
    import matplotlib

    metadata = {"Date": None} if path.suffix == ".svg" else {}
    with matplotlib.rc_context({"svg.hashsalt": "aisc"}):
        fig.savefig(path, metadata=metadata)


def write_run(result: SimulationResult, out: Path, fmt: str) -> list[Path]:
    """Write jobs.csv, summary.json, timeline.FMT and jct_cdf.FMT; return the paths."""
    _check_format(fmt)
    out.mkdir(parents=True, exist_ok=True)
    paths = [_write_jobs(result, out / f"{result.policy}-jobs.csv")]
    summary = out / f"{result.policy}-summary.json"
    summary.write_text(json.dumps(result.summary, indent=2) + "\n", encoding="utf-8")
    paths.append(summary)
    paths.append(_plot_timeline(result, out / f"{result.policy}-timeline.{fmt}"))
    paths.append(plot_jct_cdf([result], out / f"{result.policy}-jct_cdf.{fmt}"))
    return paths


def write_comparison(results: list[SimulationResult], out: Path, fmt: str) -> list[Path]:
    """Per policy its job CSV and summary; one plot with the JCT CDFs and the average JCTs."""
    _check_format(fmt)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for result in results:
        paths.append(_write_jobs(result, out / f"{result.policy}-jobs.csv"))
    summary = out / "summary.json"
    summary.write_text(
        json.dumps({r.policy: r.summary for r in results}, indent=2) + "\n", encoding="utf-8"
    )
    paths.append(summary)
    paths.append(_plot_comparison(results, out / f"compare.{fmt}"))
    return paths


def _plot_comparison(results: list[SimulationResult], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (cdf, bars) = plt.subplots(1, 2, figsize=(11, 4.5))
    _draw_jct_cdf(cdf, results)
    names = [r.policy for r in results]
    bars.bar(names, [r.summary["avg_jct_s"] / 3600 for r in results], label="avg JCT")
    bars.bar(names, [r.summary["avg_wait_s"] / 3600 for r in results], label="avg wait")
    bars.set_ylabel("hours")
    bars.legend()
    fig.suptitle(f"{results[0].cluster.describe()}")
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)
    return path


def _write_jobs(result: SimulationResult, path: Path) -> Path:
    from aisc.core.simulation.records import Outcome

    cols = result.record.columns()
    groups = result.cluster.groups
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csvcells.writer(handle)
        writer.writerow(
            [
                "job",
                "line",
                "project",
                "submit_s",
                "gpus",
                "chip",
                "start_s",
                "end_s",
                "wait_s",
                "jct_s",
                "preemptions",
                "outcome",
            ]
        )
        lines = result.trace.line.tolist()
        for i in range(len(result.record)):
            start, end, group = cols["start"][i], cols["end"][i], int(cols["group"][i])
            submit = cols["submit"][i]
            writer.writerow(
                [
                    i,
                    lines[i] if i < len(lines) else "",
                    result.record.project[i],
                    f"{submit:.3f}",
                    int(cols["gpus"][i]),
                    groups[group].chip if group >= 0 else "",
                    f"{start:.3f}" if start >= 0 else "",
                    f"{end:.3f}" if end >= 0 else "",
                    f"{start - submit:.3f}" if start >= 0 else "",
                    f"{end - submit:.3f}" if end >= 0 else "",
                    int(cols["preemptions"][i]),
                    Outcome(int(cols["outcome"][i])).name.lower(),
                ]
            )
    return path


def _plot_timeline(result: SimulationResult, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    tl = result.timeline
    hours = np.frombuffer(tl.time) / 3600
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(9, 5))
    top.step(hours, np.frombuffer(tl.allocated, dtype=np.int64) / result.cluster.gpus, where="post")
    top.set_ylabel("GPU utilisation")
    top.set_ylim(0, 1.05)
    bottom.step(hours, np.frombuffer(tl.pending, dtype=np.int64), where="post", color="tab:red")
    bottom.set_ylabel("jobs waiting")
    bottom.set_xlabel("hours since first submission")
    top.set_title(f"{result.policy} on {result.cluster.describe()}")
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)
    return path


def plot_jct_cdf(results: list[SimulationResult], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(figsize=(7, 4.5))
    _draw_jct_cdf(axes, results)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)
    return path


def _draw_jct_cdf(axes: Any, results: list[SimulationResult]) -> None:
    """Each policy's job completion times (finished jobs) as a cumulative share, on a log axis."""
    import numpy as np

    for result in results:
        cols = result.record.columns()
        done = cols["end"] >= 0
        jct = np.sort(cols["end"][done] - cols["submit"][done]) / 3600
        if len(jct):
            axes.plot(jct, np.arange(1, len(jct) + 1) / len(jct), label=result.policy)
    axes.set_xscale("log")
    axes.set_xlabel("job completion time (h, log scale)")
    axes.set_ylabel("fraction of jobs")
    axes.legend()
