"""What only a booted systemd can show (aisc.devtools.rehearsal --systemd, run inside the
container aisc.devtools.boot boots): the units' sandboxing as the kernel applies it, Type=notify,
a reload that refuses no request, the worker's clean stop in the journal, restart on failure,
the journal's JSON lines, and section 11's backup and restore."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path

from aisc.devtools.rehearsal_steps import Failure, Host, fill, served

UNITS = ("aisc-web", "aisc-worker")
NO_CAPABILITIES = "0000000000000000"


def systemctl(*argv: str) -> str:
    done = subprocess.run(["systemctl", *argv], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Failure(f"systemctl {' '.join(argv)}: {(done.stderr or done.stdout).strip()}")
    return done.stdout.strip()


def prop(unit: str, name: str) -> str:
    return systemctl("show", "-P", name, unit)


def journal(unit: str, since: float) -> list[str]:
    argv = ["journalctl", "--no-pager", "-o", "cat", "-u", unit, f"--since=@{since:.0f}"]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.splitlines()


def healthz(port: int = 8000) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/healthz", headers={"Host": "localhost"})
        return conn.getresponse().status
    finally:
        conn.close()


def children(pid: int) -> set[int]:
    """The processes `pid` started (Linux's /proc/PID/task/*/children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def redirect(host: Host) -> None:
    """Port 80 of Debian's nginx with the site: a redirect to https, for the site's name."""
    conn = http.client.HTTPConnection("127.0.0.1", 80, timeout=10)
    try:
        conn.request("GET", "/healthz", headers={"Host": "localhost"})
        response = conn.getresponse()
        status, location = response.status, response.getheader("Location")
    finally:
        conn.close()
    if status != 301 or location != "https://localhost/healthz":
        raise Failure(f"http://localhost/healthz: {status} to {location}, not 301 to https")
    print(f"http://localhost/healthz: 301 to {location}")


def sandbox_problems(status: str, mountinfo: str, uid: int) -> list[str]:
    """What in a process's /proc/PID/status and mountinfo breaks the units' sandbox: not the
    service user, new privileges possible, a capability left, / writable, /var/lib/aisc not
    writable, /tmp shared with the host."""
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    problems = []
    if int(fields["Uid"].split()[0]) != uid:
        problems.append(f"uid {fields['Uid'].split()[0]}")
    wanted = {"NoNewPrivs": "1", "CapEff": NO_CAPABILITIES, "CapBnd": NO_CAPABILITIES}
    problems += [f"{k} {fields[k].strip()}" for k, v in wanted.items() if fields[k].strip() != v]
    mounts = {}  # mount point -> (its root in the source file system, rw or ro)
    for line in mountinfo.splitlines():
        parts = line.split()
        mounts[parts[4]] = (parts[3], parts[5].split(",")[0])
    if mounts["/"][1] != "ro":
        problems.append("/ writable")
    if mounts.get("/var/lib/aisc", ("", ""))[1] != "rw":
        problems.append("/var/lib/aisc not writable")
    if "systemd-private" not in mounts.get("/tmp", ("", ""))[0]:  # noqa: S108 - its view
        problems.append("/tmp not private")  # noqa: S108 - a message
    return problems


def sandbox(host: Host) -> None:
    """Each unit active, and sandboxed as its file says (sandbox_problems)."""
    aisc = int(subprocess.check_output(["id", "-u", "aisc"]))
    for unit in UNITS:
        if prop(unit, "ActiveState") != "active":
            raise Failure(f"{unit} is {prop(unit, 'ActiveState')}, not active")
        pid = int(prop(unit, "MainPID"))
        proc = Path(f"/proc/{pid}")
        problems = sandbox_problems(
            (proc / "status").read_text(), (proc / "mountinfo").read_text(), aisc
        )
        if problems:
            raise Failure(f"{unit} (pid {pid}): {problems}")
        print(f"{unit}: active, pid {pid} as aisc, NoNewPrivs 1, no capabilities, / read-only, "
              f"/var/lib/aisc writable, private /tmp")  # fmt: skip


def notify(host: Host) -> None:
    """`systemctl restart aisc-web` returns once READY=1 came, and READY=1 once the port
    answers: the first request after it is served, with no retry."""
    began = time.monotonic()
    systemctl("restart", "aisc-web")
    waited = time.monotonic() - began
    status = healthz()
    if status != 200:
        raise Failure(f"/healthz right after `systemctl restart aisc-web` returned: {status}")
    start = int(prop("aisc-web", "ExecMainStartTimestampMonotonic"))
    active = int(prop("aisc-web", "ActiveEnterTimestampMonotonic"))
    print(f"restart returned after {waited:.1f} s; exec to READY=1 {(active - start) / 1e6:.1f} s;"
          " /healthz answered 200 at once")  # fmt: skip


def reload(host: Host) -> None:
    """HUP replaces every granian worker while requests go on: none refused or failed."""
    main = int(prop("aisc-web", "MainPID"))
    before = children(main)
    outcomes: list[str] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                outcomes.append(str(healthz()))
            except OSError as exc:
                outcomes.append(type(exc).__name__)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    time.sleep(1)
    systemctl("reload", "aisc-web")
    deadline = time.monotonic() + 120
    while children(main) & before and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)
    done.set()
    asker.join()
    failed = [o for o in outcomes if o != "200"]
    if children(main) & before or failed or int(prop("aisc-web", "MainPID")) != main:
        raise Failure(f"reload: workers {before} -> {children(main)}, failures {failed[:5]}")
    print(f"reload: workers {sorted(before)} replaced by {sorted(children(main))} under the same "
          f"master; {len(outcomes)} requests meanwhile, none failed")  # fmt: skip


def worker_stop(host: Host) -> None:
    """`systemctl stop aisc-worker`: SIGTERM, the worker's own stop lines, exit status 0 and its
    heartbeat marked stopped."""
    since, pid = time.time() - 1, int(prop("aisc-worker", "MainPID"))
    systemctl("stop", "aisc-worker")
    result = (prop("aisc-worker", "Result"), prop("aisc-worker", "ExecMainStatus"))
    lines = journal("aisc-worker", since)
    said = [line for line in lines if line.startswith("aisc worker:")]
    query = "SELECT count(*) FROM outbox_workerheartbeat WHERE pid = %d AND stopped_at IS NOT NULL"
    stopped = host.sql(query % pid)
    if result != ("success", "0") or not any("SIGTERM" in s for s in said) or stopped != "1":
        raise Failure(f"worker stop: result {result}, heartbeat stopped {stopped}, journal {lines}")
    print(f"worker stopped: result {result[0]}, exit 0; journal: {said}")
    systemctl("start", "aisc-worker")


def restart_on_failure(host: Host) -> None:
    """kill -9 of the worker: systemd starts a new one after RestartSec."""
    pid = int(prop("aisc-worker", "MainPID"))
    restarts = int(prop("aisc-worker", "NRestarts"))
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = int(prop("aisc-worker", "MainPID"))
        if now not in (0, pid) and prop("aisc-worker", "ActiveState") == "active":
            print(f"worker killed (pid {pid}): restarted as pid {now}, NRestarts "
                  f"{restarts} -> {prop('aisc-worker', 'NRestarts')}")  # fmt: skip
            return
        time.sleep(0.5)
    raise Failure(f"aisc-worker not restarted after kill -9: {prop('aisc-worker', 'ActiveState')}")


def json_journal(host: Host, doc: str) -> None:
    """Section 4's `journalctl ... | jq 'select(.status >= 500)'` needs one JSON object per line
    of what it selects, request lines (with a status) among them."""
    line = re.search(r"`(journalctl [^`|]+)\| jq ", doc)
    if line is None:
        raise Failure("docs/deploy.md no longer shows how to read aisc-web's journal")
    argv = [*shlex.split(line.group(1)), "--no-pager"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    lines = [text for text in out.splitlines() if text.strip()]
    other, statuses = [], 0
    for text in lines:
        try:
            statuses += "status" in json.loads(text)
        except ValueError:
            other.append(text)
    if other or not statuses:
        raise Failure(f"`{line.group(1)}`: {len(other)} lines not JSON, e.g. {other[:3]}")
    print(f"`{line.group(1).strip()}`: {len(lines)} lines, all JSON, {statuses} with a status")


FIGURES = re.compile(r"(\d+) documents, (\d+) audit rows, (\d+) ledger entries, (\d+) usage")


def backup_restore(host: Host, blocks: dict[int, list[str]]) -> None:
    """Section 11 on the demo centre (documents, a ledger, usage): a backup as written; the
    database and the documents lost; the restore block into a new, empty database; the same
    figures back, the documents unreadable to others, and served again."""
    prelude = host.facts["prelude"]
    demo = "runuser -u aisc -- /opt/aisc/.venv/bin/aisc demo load >/dev/null"
    host.sh(f"{prelude}\n{demo}", "the demo centre, so that the backup holds something")
    out = host.sh(f"{prelude}\n{blocks[11][0]}", "section 11: backup")
    taken = FIGURES.search(out)
    archive = sorted(Path("/var/backups/aisc").glob("aisc-*.tar"))
    if len(archive) != 1 or taken is None or taken.group(1) == "0":
        raise Failure(f"section 11's backup made {archive}, with {taken and taken.groups()}")
    systemctl("stop", *UNITS)
    files = Path("/var/lib/aisc/files")
    lost = "runuser -u postgres -- dropdb aisc\nrm -r /var/lib/aisc/files"
    host.sh(lost, "the database and the documents lost")
    block = fill(blocks[11][1], [("/var/backups/aisc/aisc-2026-12-05.tar", str(archive[0]))])
    out = host.sh(f"{prelude}\n{block}", "section 11: restore into an empty database")
    back = FIGURES.search(out)
    if "audit chain intact" not in out or back is None or back.groups() != taken.groups():
        raise Failure(f"restored {back and back.groups()}, backed up {taken.groups()}")
    readable = [str(path) for path in [files, *files.rglob("*")] if path.stat().st_mode & 0o007]
    if readable:
        raise Failure(f"restored documents others can read: {readable[:3]}")
    print(f"restored: documents, audit rows, ledger entries, usage records {back.groups()}")
    served(host, "vOLD")
