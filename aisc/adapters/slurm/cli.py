"""SlurmAdapter over Slurm's own commands: `sacctmgr -i`, `scontrol`, `squeue`, `sinfo`, `sacct`.

Never `sacctmgr dump`/`load`: those files do not round-trip typed GRES (docs/slurm-test-cluster.md,
pitfall 18).
Every write is one command with an argument list; every read asks for explicit columns.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from aisc.adapters.slurm import parse
from aisc.adapters.slurm.protocol import Node
from aisc.adapters.slurm.runner import CommandRunner, Runner, wait_until_none
from aisc.core.allocations.slurmstate import (
    PREFIX,
    ROOT_ACCOUNT,
    Account,
    Change,
    Qos,
    Reservation,
    SlurmState,
    Tres,
    UserAssoc,
    format_tres,
)

CANCEL_POLL_S = 0.5  # how often squeue is asked whether cancelled jobs have gone

ASSOC_COLUMNS = [
    "account",
    "user",
    "parentname",
    "grptresmins",
    "grpjobs",
    "grpsubmit",
    "qos",
    "defaultqos",
]


class CliSlurm:
    def __init__(
        self,
        runner: CommandRunner | None = None,
        *,
        cancel_wait: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`clock` and `sleep` time the wait for cancelled jobs to go (tests pass their own)."""
        self.runner = runner or Runner()
        self.cancel_wait = cancel_wait
        self.clock, self.sleep = clock, sleep

    # ---------------------------------------------------------------- reading
    def read_state(self) -> SlurmState:
        assocs = parse.rows(
            self.runner.run(
                ["sacctmgr", "-n", "-P", "show", "assoc", f"format={','.join(ASSOC_COLUMNS)}"]
            ),
            ASSOC_COLUMNS,
        )
        accounts = _subtree({a["account"]: a for a in assocs if not a["user"]})
        info = self._account_texts(sorted(accounts))
        state = SlurmState()
        for name, row in accounts.items():
            state.accounts[name] = _account(row, info.get(name, {}))
        state.users = {
            UserAssoc(a["user"], a["account"])
            for a in assocs
            if a["user"] and a["account"] in accounts and a["account"] != ROOT_ACCOUNT
        }
        state.qos = self._read_qos()
        state.reservations = self._read_reservations()
        return state

    def _account_texts(self, names: list[str]) -> dict[str, dict[str, str]]:
        """Description and organisation of aisc's accounts only, one column per command: they are
        free text, and `-P` does not escape a `|` in them (any account's, aisc's or not, would
        otherwise shift the columns of every row), while an account name never holds one."""
        texts: dict[str, dict[str, str]] = {name: {} for name in names}
        if not names:
            return texts
        for column in ("descr", "org"):
            out = self.runner.run(
                ["sacctmgr", "-n", "-P", "show", "account", "where", f"name={','.join(names)}",
                 f"format=account,{column}"]
            )  # fmt: skip
            for line in out.splitlines():
                name, sep, text = line.partition("|")
                if sep and name in texts:
                    texts[name][column] = text
        return texts

    def _read_qos(self) -> dict[str, Qos]:
        columns = ["name", "priority", "maxtres"]
        out = self.runner.run(
            ["sacctmgr", "-n", "-P", "show", "qos", "format=name,priority,maxtres"]
        )
        return {
            r["name"]: Qos(r["name"], int(r["priority"] or 0), parse.parse_tres(r["maxtres"]))
            for r in parse.rows(out, columns)
            if r["name"].startswith(PREFIX)
        }

    def _read_reservations(self) -> dict[str, Reservation]:
        out = self.runner.run(["scontrol", "-o", "show", "reservation"])
        result = {}
        for line in out.splitlines():
            kv = parse.key_values(line)
            name = kv.get("ReservationName", "")
            if not name.startswith(PREFIX):
                continue
            result[name] = Reservation(
                name=name,
                accounts=parse.names(kv["Accounts"]),
                nodes=parse.expand_hostlist(kv["Nodes"]),
                start=parse.parse_time(kv["StartTime"]),
                end=parse.parse_time(kv["EndTime"]),
            )
        return result

    def active_jobs(self, account: str) -> int:
        out = self.runner.run(
            [
                "squeue",
                "-h",
                "-A",
                account,
                "-t",
                "PENDING,RUNNING,SUSPENDED,COMPLETING",
                "-o",
                "%i",
            ]
        )
        return len([line for line in out.splitlines() if line.strip()])

    def cancel_jobs(self, account: str) -> None:
        self.runner.run(["scancel", "-A", account])
        wait_until_none(
            lambda: self.active_jobs(account),
            self.cancel_wait,
            CANCEL_POLL_S,
            f"jobs of account {account} were cancelled but still show after {self.cancel_wait:g} s",
            sleep=self.sleep,
            clock=self.clock,
        )

    def gpu_types(self) -> frozenset[str]:
        out = self.runner.run(["sacctmgr", "-n", "-P", "show", "tres", "format=type,name"])
        return frozenset(
            r["name"].removeprefix("gpu:")
            for r in parse.rows(out, ["type", "name"])
            if r["type"] == "gres" and r["name"].startswith("gpu:")
        )

    def nodes(self) -> list[Node]:
        out = self.runner.run(["sinfo", "-h", "-N", "-o", "%N|%P|%G|%T"])
        result = []
        for r in parse.rows(out, ["name", "partition", "gres", "state"]):
            chip, gpus = parse.parse_gres(r["gres"])
            result.append(Node(r["name"], r["partition"].rstrip("*"), chip, gpus, r["state"]))
        return sorted(result, key=lambda n: n.name)

    def sacct(self, args: list[str]) -> str:
        return self.runner.run(["sacct", *args])

    # ---------------------------------------------------------------- writing
    def apply(self, change: Change) -> None:
        item = change.after if change.after is not None else change.before
        if isinstance(item, Account):
            self._apply_account(change, item)
        elif isinstance(item, UserAssoc):
            verb = "add" if change.action == "add" else "delete"
            self.runner.run(["sacctmgr", "-i", verb, "user", item.user, f"account={item.account}"])
        elif isinstance(item, Qos):
            self._apply_qos(change, item)
        elif isinstance(item, Reservation):
            self._apply_reservation(change, item)
        else:  # pragma: no cover - Change.after/before are typed to the four kinds
            raise TypeError(f"unknown change {change!r}")

    def _apply_account(self, change: Change, account: Account) -> None:
        if change.action == "remove":
            self.runner.run(["sacctmgr", "-i", "delete", "account", account.name])
            return
        before = change.before if isinstance(change.before, Account) else None
        if before is None:
            self.runner.run(
                [
                    "sacctmgr", "-i", "add", "account", account.name,
                    f"parent={account.parent}",
                    f"Description={account.description or account.name}",
                    f"Organization={account.organization or account.name}",
                ]
            )  # fmt: skip
        settings = _account_settings(before, account)
        if settings:
            self.runner.run(
                [
                    *("sacctmgr", "-i", "modify", "account", "where", f"name={account.name}"),
                    "set",
                    *settings,
                ]
            )

    def _apply_qos(self, change: Change, qos: Qos) -> None:
        if change.action == "remove":
            self.runner.run(["sacctmgr", "-i", "delete", "qos", qos.name])
            return
        if change.action == "add":
            self.runner.run(["sacctmgr", "-i", "add", "qos", qos.name])
        before = change.before if isinstance(change.before, Qos) else Qos(qos.name)
        max_tres = _tres_update(before.max_tres_per_job, qos.max_tres_per_job)
        self.runner.run(
            ["sacctmgr", "-i", "modify", "qos", "where", f"name={qos.name}", "set"]
            + [f"Priority={qos.priority}"]
            + ([f"MaxTRESPerJob={max_tres}"] if max_tres else [])
        )

    def _apply_reservation(self, change: Change, res: Reservation) -> None:
        if change.action == "remove":
            self.runner.run(["scontrol", "delete", f"ReservationName={res.name}"])
            return
        verb = ["create", "reservation"] if change.action == "add" else ["update"]
        start = "now" if res.start <= dt.datetime.now(dt.UTC) else parse.format_time(res.start)
        args = [
            f"ReservationName={res.name}",
            f"Accounts={','.join(res.accounts)}",
            f"Nodes={','.join(res.nodes)}",
            f"StartTime={start}",
            f"EndTime={parse.format_time(res.end)}",
        ]
        if change.action == "add":
            # Other tenants' jobs already on the nodes finish; new ones never land there.
            args.append("Flags=IGNORE_JOBS")
        self.runner.run(["scontrol", *verb, *args])


def _subtree(accounts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """ROOT_ACCOUNT and every account below it; nothing else is aisc's."""
    keep: dict[str, dict[str, str]] = {}
    if ROOT_ACCOUNT in accounts:
        keep[ROOT_ACCOUNT] = accounts[ROOT_ACCOUNT]
    grew = True
    while grew:
        grew = False
        for name, row in accounts.items():
            if name not in keep and row["parentname"] in keep:
                keep[name] = row
                grew = True
    return keep


def _account(row: dict[str, str], info: dict[str, str]) -> Account:
    return Account(
        name=row["account"],
        parent=row["parentname"],
        description=info.get("descr", ""),
        organization=info.get("org", ""),
        grp_tres_mins=parse.parse_tres(row["grptresmins"]),
        qos=parse.names(row["qos"]),
        default_qos=row["defaultqos"],
        grp_jobs=parse.parse_limit(row["grpjobs"]),
        grp_submit_jobs=parse.parse_limit(row["grpsubmit"]),
    )


def _account_settings(before: Account | None, after: Account) -> list[str]:
    old = before or Account(
        after.name, after.parent, after.description or after.name, after.organization or after.name
    )
    settings = []
    if old.parent != after.parent:
        settings.append(f"parent={after.parent}")
    if old.description != after.description and after.description:
        settings.append(f"Description={after.description}")
    if old.organization != after.organization and after.organization:
        settings.append(f"Organization={after.organization}")
    budget = _tres_update(old.grp_tres_mins, after.grp_tres_mins)
    if budget:
        settings.append(f"GrpTRESMins={budget}")
    if old.grp_jobs != after.grp_jobs:
        settings.append(f"GrpJobs={_limit(after.grp_jobs)}")
    if old.grp_submit_jobs != after.grp_submit_jobs:
        settings.append(f"GrpSubmitJobs={_limit(after.grp_submit_jobs)}")
    if old.qos != after.qos and after.qos:
        settings.append(f"QOS={','.join(after.qos)}")
    if old.default_qos != after.default_qos and after.default_qos:
        settings.append(f"DefaultQOS={after.default_qos}")
    return settings


def _tres_update(before: Tres, after: Tres) -> str:
    """The new amounts, and -1 for every TRES that is no longer limited."""
    dropped = dict(before).keys() - dict(after).keys()
    return format_tres(tuple(sorted((*after, *((name, -1) for name in dropped)))))


def _limit(value: int | None) -> int:
    return -1 if value is None else value
