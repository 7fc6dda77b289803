"""What a systemd unit file in deploy/ says to run: the lines of [Service] that decide the
process (ExecStart, User, Group, WorkingDirectory, Environment=, EnvironmentFile=, Type=,
TimeoutStopSec=). The browser stage's production-server test and the deployment rehearsal
(aisc.devtools.rehearsal) start `aisc` from these, so the unit files and what is tested cannot
drift apart."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Unit:
    exec_start: list[str]
    environment: dict[str, str]
    environment_files: list[str]
    settings: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        """Any other [Service] setting as written (User, Type, TimeoutStopSec, ...)."""
        return self.settings.get(key, default)


def read_unit(path: Path) -> Unit:
    exec_start: list[str] = []
    environment: dict[str, str] = {}
    files: list[str] = []
    settings: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("ExecStart="):
            exec_start = shlex.split(line.removeprefix("ExecStart="))
        elif line.startswith("Environment="):
            for pair in shlex.split(line.removeprefix("Environment=")):
                key, _, value = pair.partition("=")
                environment[key] = value
        elif line.startswith("EnvironmentFile="):
            files.append(line.removeprefix("EnvironmentFile=").lstrip("-"))
        elif "=" in line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            settings[key] = value
    return Unit(exec_start, environment, files, settings)


def environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them: `#` and `;` lines are comments,
    one pair of surrounding quotes is removed."""
    pairs: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        pairs[key.strip()] = value
    return pairs
