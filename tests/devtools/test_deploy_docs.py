"""The deployment rehearsal's reading of docs/deploy.md and deploy/ (aisc.devtools.rehearsal,
units): fast checks that run in every `make test`, so an edit to the page or the files that the
rehearsal (`make deploy-rehearsal`, minutes, as root) would trip over fails here first."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from aisc.devtools.rehearsal import DOC, sections
from aisc.devtools.rehearsal_steps import Failure, fill
from aisc.devtools.units import environment_file, read_unit

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def blocks() -> dict[int, list[str]]:
    return sections(DOC.read_text())


def test_every_section_the_rehearsal_runs_has_its_blocks(blocks: dict[int, list[str]]) -> None:
    wanted = {1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 8: 1, 9: 1}
    for number, count in wanted.items():
        assert len(blocks[number]) >= count, f"section {number}"
    assert "<the aisc repository>" in blocks[1][0]
    assert any(line.startswith("apt-get install") for line in blocks[1][0].splitlines())
    assert "AISC_DATABASE_URL=" in blocks[2][1]
    assert "# edit" in blocks[5][0]
    assert "vX.Y" in blocks[8][0]
    assert "APP PREVIOUS" in blocks[9][0]


def test_the_page_runs_commands_as_root_with_runuser_not_sudo(
    blocks: dict[int, list[str]],
) -> None:
    # A minimal Debian has no sudo; runuser is util-linux's.
    every = "\n".join(block for found in blocks.values() for block in found)
    assert "sudo " not in every
    assert "runuser -u aisc -- " in every


def test_the_rollback_reverses_migrations_before_it_checks_out_the_old_version(
    blocks: dict[int, list[str]],
) -> None:
    lines = blocks[9][0].splitlines()
    reverse = next(i for i, line in enumerate(lines) if "migrate APP PREVIOUS" in line)
    checkout = next(i for i, line in enumerate(lines) if "git checkout vOLD" in line)
    assert reverse < checkout


def test_the_rollbacks_pathspec_lists_migration_files() -> None:
    # `'*/migrations/'` (the page's first version) matched no file; git is asked here.
    line = next(line for line in DOC.read_text().splitlines() if "git diff --name-only" in line)
    spec = line.split(" -- ", 1)[1].split("#")[0].strip().strip("'")
    listed = subprocess.run(
        ["git", "ls-files", "--", spec], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "aisc/web/notify/migrations/0001_initial.py" in listed


def test_the_example_environment_file_gives_the_whole_database_url_to_systemd_and_bash(
    tmp_path: Path,
) -> None:
    example = ROOT / "deploy/aisc.env.example"
    url = environment_file(example)["AISC_DATABASE_URL"]
    assert url.endswith("&sslrootcert=/etc/aisc/db-ca.pem")
    # Section 3 reads the same file with `.`: an unquoted `&` would end the line there.
    shell = subprocess.run(
        ["bash", "-c", f'set -a; . {example}; set +a; printf %s "$AISC_DATABASE_URL"'],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert shell.stdout == url


def test_an_environment_file_drops_comments_and_one_pair_of_quotes(tmp_path: Path) -> None:
    env = tmp_path / "aisc.env"
    env.write_text("# a comment\n; another\n\nA='x&y'\nB=\"two words\"\nC=plain\nnot a pair\n")
    assert environment_file(env) == {"A": "x&y", "B": "two words", "C": "plain"}


def test_the_units_name_their_user_type_and_stop_timeout() -> None:
    web = read_unit(ROOT / "deploy/aisc-web.service")
    assert (web.get("User"), web.get("Group"), web.get("Type")) == ("aisc", "aisc", "notify")
    assert web.get("WorkingDirectory") == "/var/lib/aisc"
    assert web.get("UMask") == "0027"
    worker = read_unit(ROOT / "deploy/aisc-worker.service")
    assert worker.get("TimeoutStopSec") == "90"
    assert worker.get("KillSignal") == "SIGTERM"
    assert worker.get("Missing", "default") == "default"


def test_filling_in_a_block_refuses_a_placeholder_the_page_no_longer_has() -> None:
    assert fill("git checkout vX.Y", [("vX.Y", "vNEW")]) == "git checkout vNEW"
    with pytest.raises(Failure, match="no longer has `vOLD`"):
        fill("git checkout vX.Y", [("vOLD", "v1")])


def test_every_deploy_file_the_page_copies_is_in_the_repository() -> None:
    page = (ROOT / "docs" / "deploy.md").read_text()
    named = set(re.findall(r"/opt/aisc/deploy/([\w.-]+)", page))
    assert "60-aisc-web.conf" in named
    assert not {name for name in named if not (ROOT / "deploy" / name).is_file()}


def test_the_sysctl_file_lets_a_reload_hand_on_queued_connections() -> None:
    lines = (ROOT / "deploy" / "60-aisc-web.conf").read_text().splitlines()
    settings = [line for line in lines if line and not line.startswith("#")]
    assert settings == ["net.ipv4.tcp_migrate_req = 1"]
