"""The booted rehearsal's fast parts (aisc.devtools.boot, rehearsal_systemd): what it reads from
docs/deploy.md and deploy/, and how it judges a unit's sandbox from /proc. The rehearsal itself
(`make deploy-boot-rehearsal`: root, systemd-nspawn, minutes) is not part of `make test`."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from aisc.devtools.rehearsal import DOC, sections
from aisc.devtools.rehearsal_systemd import NO_CAPABILITIES, sandbox_problems
from aisc.devtools.units import read_unit

ROOT = Path(__file__).resolve().parents[2]
AISC = 998

STATUS = f"""Name:\taisc
Uid:\t{AISC}\t{AISC}\t{AISC}\t{AISC}
NoNewPrivs:\t1
CapEff:\t{NO_CAPABILITIES}
CapBnd:\t{NO_CAPABILITIES}
"""
# /proc/PID/mountinfo of a unit with ProtectSystem=strict, ReadWritePaths=/var/lib/aisc and
# PrivateTmp=yes, as systemd 252 leaves it (fields: id, parent, device, root, mount point, options).
MOUNTS = """900 850 0:60 / / ro,relatime master:1 - overlay overlay rw
901 900 0:60 /var/lib/aisc /var/lib/aisc rw,relatime master:1 - overlay overlay rw
902 900 0:60 /tmp/systemd-private-5f-aisc-web.service-Qx/tmp /tmp rw,nosuid - overlay overlay rw
"""


def test_a_sandboxed_unit_as_its_file_says_has_no_problems() -> None:
    assert sandbox_problems(STATUS, MOUNTS, AISC) == []


def test_the_sandbox_check_names_each_thing_the_unit_lacks() -> None:
    status = STATUS.replace("NoNewPrivs:\t1", "NoNewPrivs:\t0").replace(
        f"CapEff:\t{NO_CAPABILITIES}", "CapEff:\t0000000000000400"
    )
    mounts = "900 850 0:60 / / rw,relatime - ext4 /dev/vda rw\n"
    assert sandbox_problems(status, mounts, AISC + 1) == [
        f"uid {AISC}",
        "NoNewPrivs 0",
        "CapEff 0000000000000400",
        "/ writable",
        "/var/lib/aisc not writable",
        "/tmp not private",
    ]


def test_the_web_units_reload_hups_the_main_process_with_the_shells_own_kill() -> None:
    # /bin/kill is procps's and a minimal Debian has none: the booted rehearsal's first run
    # failed `systemctl reload aisc-web` with 203/EXEC. sh (dash) is Essential.
    line = read_unit(ROOT / "deploy/aisc-web.service").get("ExecReload")
    argv = [word.replace("$$", "$") for word in shlex.split(line)]  # systemd's unescaping
    assert argv[0] == "/bin/sh"
    main = subprocess.Popen(
        [sys.executable, "-c", "import signal, sys, time\n"
         "signal.signal(signal.SIGHUP, lambda *_: sys.exit(7))\n"
         "print('ready', flush=True)\ntime.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert main.stdout is not None
    assert main.stdout.readline() == "ready\n"
    # No PATH: nothing but the shell itself may do it.
    subprocess.run(argv, env={"MAINPID": str(main.pid), "PATH": ""}, check=True, timeout=10)
    assert main.wait(timeout=10) == 7


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text()


def test_section_2_names_the_same_host_postgresql_install_on_one_line(doc: str) -> None:
    # The booted rehearsal runs it (Debian's postgresql service); the host rehearsal does not.
    assert re.search(r"`apt-get install -y postgresql`", doc)


def test_section_11_has_a_backup_block_and_a_restore_block_the_rehearsal_can_fill(
    doc: str,
) -> None:
    backup, restore = sections(doc)[11][:2]
    # The aisc user cannot create a folder under /var/backups: root makes it first.
    assert backup.splitlines()[0] == "install -d -o aisc -g aisc -m 0750 /var/backups/aisc"
    assert "aisc backup --out /var/backups/aisc/" in backup
    lines = restore.splitlines()
    assert lines[0] == "systemctl stop aisc-web aisc-worker"
    assert "aisc restore /var/backups/aisc/aisc-2026-12-05.tar" in restore
    assert lines[-1] == "systemctl start aisc-web aisc-worker"


def test_the_site_file_has_the_server_name_the_booted_rehearsal_edits() -> None:
    site = (ROOT / "deploy/nginx-aisc.conf").read_text()
    assert site.count("server_name aisc.example.hk;") == 2


def test_the_journal_line_selects_what_the_service_wrote_not_systemds_lines(doc: str) -> None:
    # `journalctl -u aisc-web` also shows "Started aisc-web.service", which stops jq.
    line = re.search(r"`(journalctl [^`|]+)\| jq ", doc)
    assert line is not None
    assert "_SYSTEMD_UNIT=aisc-web.service" in line.group(1)
    assert "-u " not in line.group(1)
