"""What `aisc capacity` prints and writes: tables, the plan's CSV and JSON, PNG charts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aisc.core import csvcells

COLUMNS = (
    "month",
    "chip",
    "capacity_gpu_hours",
    "demand_gpu_hours",
    "delivered_gpu_hours",
    "utilization",
    "utilization_lo",
    "utilization_hi",
    "undeliverable_gpu_hours",
    "backlog_gpu_hours",
    "wait_p50_h",
    "wait_p95_h",
)


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def plan_table(doc: dict[str, Any]) -> str:
    lines = [
        f"{doc['scenario']}: {doc['policy']}, seeds {doc['seeds'][0]}..{doc['seeds'][-1]}, "
        f"{doc['jobs']:,} jobs a seed, {doc['sim_wall_s']} s",
        f"{'month':8} {'chip':6} {'capacity':>11} {'demand':>11} {'delivered':>11} "
        f"{'util':>5} {'band':>11} {'wait p50':>8} {'p95 h':>7}",
    ]
    for row in doc["months"]:
        band = f"{row['utilization_lo']:.2f}-{row['utilization_hi']:.2f}"
        lines.append(
            f"{row['month']:8} {row['chip']:6} {_num(row['capacity_gpu_hours']):>11} "
            f"{_num(row['demand_gpu_hours']):>11} {_num(row['delivered_gpu_hours']):>11} "
            f"{row['utilization']:>5.2f} {band:>11} {_num(row['wait_p50_h'], 1):>8} "
            f"{_num(row['wait_p95_h'], 1):>7}"
        )
    fits = ", ".join(f"{size} {count}" for size, count in doc["fits"].items())
    lines += [
        f"saturation month: {doc['saturation_month'] or 'none within the horizon'}",
        f"undeliverable GPU-hours: {_num(doc['undeliverable_gpu_hours'])} "
        f"({_num(doc['undeliverable_gpu_hours_lo'])}-{_num(doc['undeliverable_gpu_hours_hi'])})"
        f" of {_num(doc['demand_gpu_hours'])} demanded",
        f"more projects that fit: {fits}",
    ]
    return "\n".join(lines)


def compare_table(docs: list[dict[str, Any]]) -> str:
    names = [d["scenario"] for d in docs]
    header = f"{'':28}" + "".join(f"{n[:18]:>20}" for n in names)
    totals: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("capacity GPU-h", lambda d: _num(sum(r["capacity_gpu_hours"] for r in d["months"]))),
        ("demand GPU-h", lambda d: _num(d["demand_gpu_hours"])),
        (
            "delivered GPU-h",
            lambda d: _num(sum(r["delivered_gpu_hours"] or 0 for r in d["months"])),
        ),
        ("utilisation", lambda d: f"{_utilisation(d):.3f}"),
        ("undeliverable GPU-h", lambda d: _num(d["undeliverable_gpu_hours"])),
        ("saturation month", lambda d: d["saturation_month"] or "none"),
        ("worst month wait p95 h", lambda d: _num(_worst_wait(d), 1)),
        *((f"more {size} projects fit", _fits_of(size)) for size in docs[0]["fits"]),
    ]
    lines = [header] + [f"{label:28}" + "".join(f"{f(d):>20}" for d in docs) for label, f in totals]
    return "\n".join(lines)


def _fits_of(size: str) -> Callable[[dict[str, Any]], str]:
    return lambda doc: str(doc["fits"][size])


def _utilisation(doc: dict[str, Any]) -> float:
    capacity = sum(r["capacity_gpu_hours"] for r in doc["months"])
    delivered = sum(r["delivered_gpu_hours"] or 0 for r in doc["months"])
    return delivered / capacity if capacity else 0.0


def _worst_wait(doc: dict[str, Any]) -> float | None:
    waits = [r["wait_p95_h"] for r in doc["months"] if r["wait_p95_h"] is not None]
    return max(waits) if waits else None


def sweep_table(doc: dict[str, Any]) -> str:
    lines = [
        f"{doc['cells']} cells on {doc['jobs']} processes in {doc['wall_s']} s"
        if "jobs" in doc
        else f"{doc['cells']} cells, Slurm job array {doc.get('job_id', '-')} in {doc['dir']}",
        f"{'variant':40} {'nodes':>6} {'util':>6} {'undeliverable':>14} {'saturates':>10}  fits",
    ]
    for row in doc["variants"]:
        fits = " ".join(f"{k[0]}{v}" for k, v in row["fits"].items())
        lines.append(
            f"{row['scenario'][:40]:40} {row['nodes']:>6} {row['utilization']:>6.3f} "
            f"{_num(row['undeliverable_gpu_hours']):>14} {row['saturation_month'] or '-':>10}  "
            f"{fits}"
        )
    return "\n".join(lines)


def write_plan(doc: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "plan.json", out / "months.csv"]
    paths[0].write_text(json.dumps(doc, indent=2), encoding="utf-8")
    with paths[1].open("w", newline="", encoding="utf-8") as handle:
        writer = csvcells.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([month.get(c, "") for c in COLUMNS] for month in doc["months"])
    paths.append(_chart([doc], out / "plan.png"))
    return paths


def write_compare(docs: list[dict[str, Any]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "compare.json"
    path.write_text(json.dumps(docs, indent=2), encoding="utf-8")
    return [path, _chart(docs, out / "compare.png")]


def _chart(docs: list[dict[str, Any]], path: Path) -> Path:
    """Per chip: demand against capacity, utilisation with its band, wait p95 with its band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chips = list(dict.fromkeys(r["chip"] for d in docs for r in d["months"]))
    fig, axes = plt.subplots(len(chips), 3, figsize=(15, 4 * len(chips)), squeeze=False)
    for c, chip in enumerate(chips):
        load, util, wait = axes[c]
        for doc in docs:
            rows = [r for r in doc["months"] if r["chip"] == chip]
            x = list(range(len(rows)))
            name = doc["scenario"]
            line = load.plot(x, [r["demand_gpu_hours"] for r in rows], label=f"{name} demand")
            load.plot(
                x,
                [r["capacity_gpu_hours"] for r in rows],
                "--",
                color=line[0].get_color(),
                label=f"{name} capacity",
            )
            util.plot(x, [r["utilization"] for r in rows], label=name)
            util.fill_between(
                x,
                [r["utilization_lo"] for r in rows],
                [r["utilization_hi"] for r in rows],
                alpha=0.25,
            )
            wait.plot(x, [r["wait_p95_h"] or 0.0 for r in rows], label=name)
            wait.fill_between(
                x,
                [r["wait_p95_h_lo"] or 0.0 for r in rows],
                [r["wait_p95_h_hi"] or 0.0 for r in rows],
                alpha=0.25,
            )
        labels = [r["month"] for r in docs[0]["months"] if r["chip"] == chip]
        step = max(1, len(labels) // 8)
        for ax, title in (
            (load, f"{chip}: demand and capacity (GPU-h)"),
            (util, f"{chip}: utilisation (band: min-max over seeds)"),
            (wait, f"{chip}: wait p95 (h)"),
        ):
            ax.set_title(title)
            ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=45)
            ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
