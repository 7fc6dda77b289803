"""docs/deploy.md under a real, booted systemd: a Debian 12 container booted with
`systemd-nspawn -b` on this host, and the rehearsal (aisc.devtools.rehearsal --systemd) run
inside it, where `systemctl`, journald, Debian's PostgreSQL and nginx services are the real ones.

    bash scripts/deploy-rehearsal --booted        (make deploy-boot-rehearsal; as root)

The base root (Debian 12 minbase with systemd and dbus, plus what the rehearsal itself runs
with: python3-cryptography and git) is made once with debootstrap into BASE and reused. Each run
boots an overlay of it (the base stays as it was) with the checkout's HEAD cloned into
/srv/aisc, and throws the overlay away afterwards. The .deb files the page's apt-get lines fetch
and pip's and uv's caches are kept under CACHE, so a second run downloads nothing.

The container shares this host's network: a host whose PID 1 is not systemd has no
systemd-networkd to give a private one a route out, and the page's `apt-get` and `make install`
need the mirrors. So the documented ports are used as written and must be free here: 80, 443
(nginx), 5432 (PostgreSQL) and 8000 (aisc-web). nspawn runs with --register=no --keep-unit
(no machined, no system bus on such a host) and a tmpfs on /run/systemd/nspawn (it refuses to
clean a folder that is on disk).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aisc.devtools.rehearsal_systemd import children

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path("/var/cache/aisc-boot")
BASE = CACHE / "bookworm"
MIRROR = "http://deb.debian.org/debian"
# The host's init, and what the rehearsal inside runs with (installed with apt-get: debootstrap
# does not resolve virtual packages such as python3-cffi-backend-api-min).
BOOT_PACKAGES = "systemd,systemd-sysv,dbus"
HARNESS_PACKAGES = ("python3-cryptography", "git")
PORTS = (80, 443, 5432, 8000)
PROPAGATE = Path("/run/systemd/nspawn")
# The container's console (systemd's boot and shutdown), kept from the last run.
CONSOLE = CACHE / "console.log"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# A fresh Debian host's sources (the installer's) and /etc/hosts; debootstrap writes neither.
SOURCES = f"""deb {MIRROR} bookworm main
deb {MIRROR} bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
"""
HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
# What of this host's shell reaches the container's: a proxy, and the CA bundle that lets pip
# and uv reach PyPI from behind a TLS-inspecting one (bound into the container at HOST_CA).
PASSED = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
CA_VARIABLES = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
HOST_CA = "/srv/host-ca.pem"


class BootFailure(Exception):
    """The container could not be made or booted: nothing of docs/deploy.md ran."""


def step(text: str, began: float) -> None:
    print(f"\n### {text} ({time.monotonic() - began:.0f} s)", flush=True)


def preflight() -> None:
    if os.geteuid() != 0:
        raise BootFailure("the booted rehearsal runs as root (debootstrap, systemd-nspawn)")
    missing = [
        tool for tool in ("systemd-nspawn", "debootstrap", "nsenter") if not shutil.which(tool)
    ]
    if missing:
        raise BootFailure(f"missing {missing}: apt-get install systemd-container debootstrap")
    taken = []
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                taken.append(port)
    if taken:
        raise BootFailure(f"ports {taken} answer on this host; the container needs them")


def nspawn(root: Path, *argv: str) -> list[str]:
    return ["systemd-nspawn", "-q", "-D", str(root), "--register=no", "--keep-unit", *argv]


def base_root(rebuild: bool) -> None:
    """Debian 12 minbase with systemd, made once (about a minute) and reused."""
    stamp = BASE / ".aisc-boot-base"
    if stamp.exists() and not rebuild:
        print(f"base root: {BASE} (made {stamp.read_text().strip()})")
        return
    shutil.rmtree(BASE, ignore_errors=True)
    print(f"debootstrap (its log: {BASE}/debootstrap/debootstrap.log until it is done)")
    subprocess.run(["debootstrap", "--variant=minbase", f"--include={BOOT_PACKAGES}", "bookworm",
                    str(BASE), MIRROR], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    (BASE / "etc/apt/sources.list").write_text(SOURCES)
    (BASE / "etc/hosts").write_text(HOSTS)
    subprocess.run(nspawn(BASE, "apt-get", "-qq", "update"), check=True)
    apt = ["apt-get", "install", "-qq", "-y", "--no-install-recommends", *HARNESS_PACKAGES]
    subprocess.run(nspawn(BASE, *apt), check=True, stdout=subprocess.DEVNULL)
    subprocess.run(nspawn(BASE, "apt-get", "clean"), check=True)
    stamp.write_text(time.strftime("%Y-%m-%d %H:%M UTC\n", time.gmtime()))


def container_init(manager: subprocess.Popen[bytes], within: float = 60) -> int:
    """The container's PID 1 (systemd) as this host sees it: nspawn's child."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if manager.poll() is not None:
            raise BootFailure(f"systemd-nspawn exited with {manager.returncode}")
        for child in children(manager.pid):
            if Path(f"/proc/{child}/comm").read_text().strip() == "systemd":
                return child
        time.sleep(0.2)
    raise BootFailure("no systemd started in the container")


def host_ca() -> Path | None:
    named = os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"
    return Path(named) if Path(named).is_file() else None


def inside(init: int, argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """A command in the container (all its namespaces), with a root shell's clean environment."""
    env = [f"{k}={v}" for k, v in os.environ.items() if k in PASSED]
    if host_ca():
        env += [f"{name}={HOST_CA}" for name in CA_VARIABLES]
    env += ["PATH=" + PATH, "LANG=C.UTF-8", "HOME=/root", "PYTHONPATH=/srv/aisc"]
    command = ["nsenter", "-t", str(init), "-a", "--", "env", "-i", *env, *argv]
    return subprocess.run(command, text=True, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


def running(init: int, within: float = 180) -> str:
    """systemd's state once it has booted; its bus answers only some time after it starts."""
    deadline = time.monotonic() + within
    while True:
        state = inside(init, ["systemctl", "is-system-running", "--wait"], capture_output=True)
        if state.stdout.strip() in ("running", "degraded"):
            return str(state.stdout.strip())
        if time.monotonic() > deadline:
            raise BootFailure(f"the container's systemd: {state.stdout} {state.stderr}".strip())
        time.sleep(0.5)


def boot_and_rehearse(work: Path, keep: bool, began: float) -> int:
    checkout, root = work / "aisc", work / "root"
    for folder in ("upper", "scratch", "root"):
        (work / folder).mkdir()
    # The committed tree, as the host rehearsal does; the rehearsal inside clones it again.
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    options = f"lowerdir={BASE},upperdir={work / 'upper'},workdir={work / 'scratch'}"
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o", options, str(root)], check=True)
    for cache in ("apt", "cache"):
        (CACHE / cache).mkdir(exist_ok=True)
    log = CONSOLE.open("wb")
    step(f"booting the container (its console: {CONSOLE})", began)
    binds = [f"--bind-ro={checkout}:/srv/aisc", f"--bind={CACHE / 'apt'}:/var/cache/apt/archives",
             f"--bind={CACHE / 'cache'}:/root/.cache"]  # fmt: skip
    if host_ca():
        binds.append(f"--bind-ro={host_ca()}:{HOST_CA}")
    manager = subprocess.Popen(
        nspawn(root, "-b", "-M", "aisc-rehearsal", "--console=passive", *binds),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    init = 0
    try:
        init = container_init(manager)
        print(f"systemd in the container: {running(init)} (PID {init} here)")
        step("docs/deploy.md inside the container", began)
        return inside(init, ["python3", "-m", "aisc.devtools.rehearsal", "--systemd"]).returncode
    finally:
        if keep and init:
            print(f"kept: the container runs; enter: nsenter -t {init} -a bash; stop: "
                  f"nsenter -t {init} -a systemctl poweroff, then umount {root}")  # fmt: skip
        else:
            step("shutting the container down", began)
            # nspawn shuts a booted container down cleanly on SIGTERM (SIGRTMIN+3 to its init).
            manager.terminate()
            try:
                manager.wait(timeout=90)
            except subprocess.TimeoutExpired:
                manager.kill()
                manager.wait(timeout=30)
            subprocess.run(["umount", str(root)], check=False)
        log.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--booted", action="store_true", help="(how the script selects this)")
    parser.add_argument("--rebuild", action="store_true", help="make the base root again")
    parser.add_argument("--keep", action="store_true", help="leave the container running")
    args = parser.parse_args(argv)
    began = time.monotonic()
    try:
        preflight()
    except BootFailure as exc:
        raise SystemExit(f"deploy-rehearsal --booted: {exc}") from exc
    mounted = not PROPAGATE.is_mount()
    if mounted:
        PROPAGATE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755,size=16m", "tmpfs",
                        str(PROPAGATE)], check=True)  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="aisc-boot-", dir="/var/tmp"))
    try:
        step(f"the base root ({BASE})", began)
        base_root(args.rebuild)
        status = boot_and_rehearse(work, args.keep, began)
    except (BootFailure, subprocess.SubprocessError) as exc:
        print(f"deploy-rehearsal --booted: {exc}", file=sys.stderr)
        status = 1
    finally:
        if mounted and not args.keep:
            subprocess.run(["umount", str(PROPAGATE)], check=False)
        if not args.keep and not (work / "root").is_mount():
            shutil.rmtree(work, ignore_errors=True)
    verdict = "passed" if status == 0 else "FAILED"
    print(f"\ndeploy-rehearsal --booted: {verdict} in {time.monotonic() - began:.0f} s", flush=True)
    raise SystemExit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
