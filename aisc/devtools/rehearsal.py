"""The deployment rehearsal: docs/deploy.md followed as written, on this host, as root.

    sudo bash scripts/deploy-rehearsal            (make deploy-rehearsal)

It reads the shell blocks of docs/deploy.md's sections and runs them in order (bash -euo
pipefail), with only the values a reader fills in replaced (the repository, the password, the
host names and ports, the version tags) and each replaced text required to be there, so the
document and the rehearsal cannot drift: sections 1 (packages, the aisc user, the folders, the
clone, `make install`, the keys), 2 (PostgreSQL: the role and database, the pg_hba line, the
TLS URL), 3 (the environment file, migrate, createadmin, `aisc check --deploy`), 4 (the units),
5 (nginx), 8 (upgrade) and 9 (rollback). Then it checks /healthz, /readyz, a hashed static file
and the sign-in page over https through nginx, and removes everything it made.

What is not the real thing, and why: systemd is not PID 1 here, so `systemctl` is
aisc.devtools.systemctl, which starts each unit from its file (ExecStart, User=, Group=,
Environment=, EnvironmentFile=, UMask=, Type=notify) without the sandboxing lines;
PostgreSQL is a private cluster on a free port (PGHOST/PGPORT point the documented commands at
it), with TLS from a self-signed certificate; nginx runs the installed site with a private main
configuration (workers as www-data, as Debian's) on free loopback ports; the `apt-get install`
line is checked with dpkg-query, not run, unless --apt. The upgrade goes from the checkout's
HEAD (vOLD) to a commit made here on top of it (vNEW) with one migration and a changed
stylesheet. It rehearses the committed tree: commit first.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pwd
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aisc.devtools import boot
from aisc.devtools import rehearsal_steps as steps
from aisc.devtools import rehearsal_systemd as booted
from aisc.devtools.rehearsal_steps import Failure, Host

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/deploy.md"
Step = tuple[str, Callable[[], None]]
# Everything section 1-5 creates outside the rehearsal's own folder: absent before, removed after.
MADE = [
    Path("/opt/aisc"),
    Path("/var/lib/aisc"),
    Path("/etc/aisc"),
    Path("/etc/ssl/aisc"),
    Path("/etc/systemd/system/aisc-web.service"),
    Path("/etc/systemd/system/aisc-worker.service"),
    Path("/etc/nginx/sites-available/aisc"),
    Path("/etc/nginx/sites-enabled/aisc"),
]


def sections(text: str) -> dict[int, list[str]]:
    """The fenced shell blocks of each numbered section (`## 3. ...`)."""
    found: dict[int, list[str]] = {}
    for part in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        number = re.match(r"(\d+)\. ", part)
        if number:
            found[int(number.group(1))] = re.findall(r"^```\n(.*?)^```$", part, re.M | re.S)
    return found


def preflight() -> None:
    if os.geteuid() != 0:
        raise Failure("the rehearsal runs as root, as docs/deploy.md does")
    present = [str(p) for p in MADE if p.exists() or p.is_symlink()]
    try:
        pwd.getpwnam("aisc")
        present.append("user aisc")
    except KeyError:
        pass
    if present:
        raise Failure(f"already on this host, so not the rehearsal's to remove: {present}")


def cleanup(host: Host) -> None:
    for unit in ("aisc-web", "aisc-worker", "nginx"):
        host.quietly([sys.executable, "-m", "aisc.devtools.systemctl", "stop", unit])
    host.stop_postgres()
    for path in MADE:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)
    host.quietly(["userdel", "aisc"])
    host.quietly(["groupdel", "aisc"])
    shutil.rmtree(host.work, ignore_errors=True)


def systemd_steps(host: Host, blocks: dict[int, list[str]]) -> list[Step]:
    """What only a booted systemd shows, between the first `served` and the upgrade."""
    return [
        ("Debian's nginx: port 80", lambda: booted.redirect(host)),
        ("under systemd: the sandbox", lambda: booted.sandbox(host)),
        ("under systemd: Type=notify", lambda: booted.notify(host)),
        ("under systemd: reload", lambda: booted.reload(host)),
        ("under systemd: the worker stopped", lambda: booted.worker_stop(host)),
        ("under systemd: restart on failure", lambda: booted.restart_on_failure(host)),
        ("under systemd: the journal", lambda: booted.json_journal(host, DOC.read_text())),
        ("11. backup and restore", lambda: booted.backup_restore(host, blocks)),
    ]


def main() -> None:
    if "--booted" in sys.argv[1:]:
        boot.main(sys.argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apt", action="store_true", help="run section 1's apt-get line")
    parser.add_argument("--keep", action="store_true", help="leave everything for a look")
    parser.add_argument("--booted", action="store_true", help="in a container booting systemd")
    parser.add_argument("--systemd", action="store_true", help="(inside that container)")
    args = parser.parse_args()
    with open("/tmp/aisc-deploy-rehearsal.lock", "w") as lock:  # noqa: S108 - one per host
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            preflight()
        except Failure as exc:
            raise SystemExit(f"deploy-rehearsal: {exc}") from exc
        work = Path(tempfile.mkdtemp(prefix="aisc-rehearsal-"))
        work.chmod(0o755)  # postgres and aisc pass through to their folders
        host = Host(work, ROOT, password=secrets.token_hex(16), booted=args.systemd)
        blocks = sections(DOC.read_text())
        began = time.monotonic()
        apt = args.apt or args.systemd
        run: list[Step] = [
            ("the versions", lambda: steps.versions(host)),
            ("1. packages, user, folders, install", lambda: steps.install(host, blocks, apt)),
            ("2. PostgreSQL", lambda: steps.postgres(host, blocks, DOC.read_text())),
            ("3. environment, migrate, admin, check", lambda: steps.configure(host, blocks)),
            ("4. the units", lambda: steps.units(host, blocks)),
            ("5. nginx", lambda: steps.nginx(host, blocks)),
            ("served", lambda: steps.served(host, "vOLD")),
            *(systemd_steps(host, blocks) if args.systemd else []),
            ("8. upgrade", lambda: steps.upgrade(host, blocks)),
            ("served after the upgrade", lambda: steps.served(host, "vNEW")),
            ("9. rollback", lambda: steps.rollback(host, blocks)),
            ("served after the rollback", lambda: steps.served(host, "vOLD")),
        ]  # fmt: skip
        try:
            for title, step in run:
                print(f"\n=== {title} ({time.monotonic() - began:.0f} s)", flush=True)
                step()
            print(f"\ndeploy-rehearsal: passed in {time.monotonic() - began:.0f} s", flush=True)
        except Failure as exc:
            print(f"\ndeploy-rehearsal: FAILED: {exc}", file=sys.stderr, flush=True)
            host.show_logs()
            raise SystemExit(1) from exc
        finally:
            if args.systemd:
                pass  # the container is thrown away (aisc.devtools.boot)
            elif args.keep:
                print(f"kept: {work} and {[str(p) for p in MADE]}; user aisc")
            else:
                cleanup(host)


if __name__ == "__main__":
    main()
