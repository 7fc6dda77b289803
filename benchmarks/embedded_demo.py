"""Embedded-cluster benchmark: `aisc demo load` on a fresh SQLite database, loader by loader,
then advances of the cluster to now as the worker does every minute (each from the last one's
checkpoint), then as many full replays from the epoch (`advance(resume=False)`). Usage:

    python benchmarks/embedded_demo.py [--replays 5]

Uses a throw-away data directory (its own SQLite file) and prints one JSON object: CPU and wall
seconds per loader, the cluster's job counts, and CPU/wall seconds per advance and per full
replay (medians).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time


def timed(fn: object) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn()  # type: ignore[operator]
    return round(time.process_time() - cpu, 3), round(time.perf_counter() - wall, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replays", type=int, default=5)
    args = parser.parse_args()
    os.environ["AISC_DATA_DIR"] = tempfile.mkdtemp(prefix="aisc-bench-embedded-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from aisc.web.cluster import service
    from aisc.web.cluster.models import ClusterCheckpoint, EmbeddedJob, JobState
    from aisc.web.demo import DemoReport
    from aisc.web.demo_load import LOADERS

    call_command("migrate", verbosity=0)
    report, loaders = DemoReport(), {}
    for loader in LOADERS:
        loaders[loader.__module__] = timed(lambda loader=loader: loader(report))
    # As the worker does: each advance carries on from the last one's checkpoint...
    replays = [timed(service.advance) for _ in range(args.replays)]
    resumed = service.advance().resumed
    # ...and, for comparison, a replay of every job from the epoch (what every advance did
    # before checkpoints, and what one still does after a change of layout or limits).
    full = [timed(lambda: service.advance(resume=False)) for _ in range(args.replays)]
    counts = {s.value or "future": EmbeddedJob.objects.filter(state=s).count() for s in JobState}
    saved = ClusterCheckpoint.objects.get()
    print(
        json.dumps(
            {
                "loaders_cpu_wall_s": loaders,
                "jobs": counts,
                "advance_cpu_s_median": statistics.median(r[0] for r in replays),
                "advance_wall_s_median": statistics.median(r[1] for r in replays),
                "advance_resumed_from_checkpoint": resumed,
                "checkpoint_bytes": len(saved.state),
                "checkpoint_live_jobs": len(saved.rows),
                "full_replay_cpu_s_median": statistics.median(r[0] for r in full),
                "full_replay_wall_s_median": statistics.median(r[1] for r in full),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
                "load_average": round(os.getloadavg()[0], 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
