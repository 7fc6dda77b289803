"""A stand-in for `systemctl` where systemd is not PID 1 (this project's CI machines): the
deployment rehearsal puts it first on PATH, so docs/deploy.md's `systemctl ...` lines run as
written. It starts a unit the way its file says (ExecStart, User=, Group=, WorkingDirectory,
Environment=, then EnvironmentFile= over them, UMask=, Type=notify's READY=1 on a
NOTIFY_SOCKET) and stops it as systemd does (the KillSignal to the main process, TimeoutStopSec,
then SIGKILL to what is left of its group: KillMode=mixed). It does not apply the sandboxing
(ProtectSystem=, PrivateTmp=, ...): `systemd-analyze verify` checks those lines in the browser
stage, and only a booted systemd can prove them.

The process is started by setuid/setgid to the unit's User= and Group= (Python's subprocess, as
systemd does), not through runuser or su: those stay as the parent and handle the stop signal
themselves, so the service would not see systemd's SIGTERM as it does under systemd.

State (pid files, the output each unit would send to the journal) lives in
$AISC_REHEARSAL_STATE. `nginx` is the one unit without a file here: start and reload run
/usr/sbin/nginx with the main configuration $AISC_REHEARSAL_NGINX_CONF.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from aisc.devtools.units import environment_file, read_unit

UNITS = Path("/etc/systemd/system")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def state() -> Path:
    return Path(os.environ["AISC_REHEARSAL_STATE"])


def main_pid(name: str) -> int | None:
    pid_file = state() / f"{name}.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    # An exited process its parent has not reaped yet is gone for systemd too.
    return None if stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"} else pid


def start(name: str) -> None:
    if main_pid(name) is not None:
        return
    if name == "nginx":
        argv = ["/usr/sbin/nginx", "-c", os.environ["AISC_REHEARSAL_NGINX_CONF"]]
        spawn(name, argv, {"PATH": PATH}, cwd="/", user=None, group=None, umask=0o022)
        return
    unit = read_unit(UNITS / f"{name}.service")
    user = unit.get("User", "root")
    account = pwd.getpwnam(user)
    env = {
        "PATH": PATH,
        "LANG": "C.UTF-8",
        "HOME": account.pw_dir,
        "USER": user,
        "LOGNAME": user,
        "SHELL": account.pw_shell,
        **unit.environment,
    }
    for file in unit.environment_files:
        env.update(environment_file(Path(file)))
    notify = None
    if unit.get("Type") == "notify":
        path = state() / f"{name}.notify"
        path.unlink(missing_ok=True)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(path))
        os.chown(path, account.pw_uid, -1)
        env["NOTIFY_SOCKET"] = str(path)
    proc = spawn(
        name,
        unit.exec_start,
        env,
        cwd=unit.get("WorkingDirectory", "/"),
        user=user,
        group=unit.get("Group", user),
        umask=int(unit.get("UMask", "0022"), 8),
    )
    if notify is not None:
        wait_ready(name, proc, notify, timeout=90.0)


def spawn(
    name: str,
    argv: list[str],
    env: dict[str, str],
    *,
    cwd: str,
    user: str | None,
    group: str | None,
    umask: int,
) -> subprocess.Popen[bytes]:
    log = (state() / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, user=user, group=group, extra_groups=[] if user else None,
        umask=umask, start_new_session=True, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    (state() / f"{name}.pid").write_text(str(proc.pid))
    return proc


def wait_ready(
    name: str, proc: subprocess.Popen[bytes], notify: socket.socket, timeout: float
) -> None:
    """Type=notify: `systemctl start` returns once the service sends READY=1."""
    notify.settimeout(0.5)
    deadline = time.monotonic() + timeout
    with notify:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                fail(f"{name} exited with status {proc.returncode} before it was ready")
            try:
                message = notify.recv(4096).decode()
            except TimeoutError:
                continue
            if "READY=1" in message.split("\n"):
                return
    fail(f"{name} sent no READY=1 within {timeout:.0f} s")


def stop(name: str) -> None:
    pid = main_pid(name)
    if pid is None:
        return
    timeout, kill = 90.0, signal.SIGTERM
    if name == "nginx":
        kill = signal.SIGQUIT  # Debian's nginx.service stops it gracefully
    else:
        unit = read_unit(UNITS / f"{name}.service")
        timeout = float(unit.get("TimeoutStopSec", "90").removesuffix("s"))
        kill = signal.Signals[unit.get("KillSignal", "SIGTERM")]
    os.kill(pid, kill)
    deadline = time.monotonic() + timeout
    while main_pid(name) is not None and time.monotonic() < deadline:
        reap(pid)
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # KillMode=mixed: what is left after the main process
    (state() / f"{name}.pid").unlink(missing_ok=True)


def reap(pid: int) -> None:
    # A child of this process only when start and stop ran in one call (restart).
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def reload(name: str) -> None:
    pid = main_pid(name)
    if pid is None:
        start(name)
        return
    os.kill(pid, signal.SIGHUP)  # what both units' ExecReload= lines send


def fail(message: str) -> None:
    print(f"systemctl (rehearsal): {message}", file=sys.stderr)
    raise SystemExit(1)


def main(argv: list[str]) -> None:
    if not argv:
        fail("usage: systemctl COMMAND [UNIT...]")
    command, rest = argv[0], [a for a in argv[1:] if not a.startswith("-")]
    names = [unit.removesuffix(".service") for unit in rest]
    if command == "daemon-reload":
        return
    if command == "enable":
        if "--now" in argv:
            for name in names:
                start(name)
        return
    actions = {"start": [start], "stop": [stop], "restart": [stop, start], "reload": [reload]}
    if command == "is-active":
        raise SystemExit(0 if all(main_pid(n) is not None for n in names) else 3)
    if command not in actions:
        fail(f"{command} is not rehearsed")
    for action in actions[command]:
        for name in names:
            action(name)


if __name__ == "__main__":
    main(sys.argv[1:])
