"""An in-memory Slurm that refuses what the real one refuses, for tests and the embedded demo.

With a `path` it keeps its state in a JSON file, so `aisc slurm plan`, `apply` and `check` see
the same cluster from one command to the next.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.protocol import Node
from aisc.core.allocations.slurmstate import (
    Account,
    Change,
    Qos,
    Reservation,
    SlurmState,
    UserAssoc,
)

# The same layout as scripts/slurm-test-cluster, so one contract suite fits both.
TEST_CLUSTER_NODES = (
    Node("br104-01", "br104", "br104", 8, "idle"),
    Node("br104-02", "br104", "br104", 8, "idle"),
    Node("h800-01", "h800", "h800", 8, "idle"),
    Node("h800-02", "h800", "h800", 8, "idle"),
)


# `sacct --helpformat` of Slurm 22.05 (sacct(1), "Fields available"); sacct refuses any other.
_HELPFORMAT = """
    Account AdminComment AllocCPUS AllocNodes AllocTRES AssocID AveCPU AveCPUFreq AveDiskRead
    AveDiskWrite AvePages AveRSS AveVMSize BlockID Cluster Comment Constraints ConsumedEnergy
    ConsumedEnergyRaw Container CPUTime CPUTimeRAW DBIndex DerivedExitCode Elapsed ElapsedRaw
    Eligible End ExitCode Flags GID Group JobID JobIDRaw JobName Layout MaxDiskRead
    MaxDiskReadNode MaxDiskReadTask MaxDiskWrite MaxDiskWriteNode MaxDiskWriteTask MaxPages
    MaxPagesNode MaxPagesTask MaxRSS MaxRSSNode MaxRSSTask MaxVMSize MaxVMSizeNode MaxVMSizeTask
    McsLabel MinCPU MinCPUNode MinCPUTask NCPUS NNodes NodeList NTasks Partition Priority QOS
    QOSRAW Reason ReqCPUFreq ReqCPUFreqGov ReqCPUFreqMax ReqCPUFreqMin ReqCPUS ReqMem ReqNodes
    ReqTRES Reservation ReservationId Reserved ResvCPU ResvCPURAW Start State Submit SubmitLine
    Suspended SystemComment SystemCPU Timelimit TimelimitRaw TotalCPU TRESUsageInAve
    TRESUsageInMax TRESUsageInMaxNode TRESUsageInMaxTask TRESUsageInMin TRESUsageInMinNode
    TRESUsageInMinTask TRESUsageInTot TRESUsageOutAve TRESUsageOutMax TRESUsageOutMaxNode
    TRESUsageOutMaxTask TRESUsageOutMin TRESUsageOutMinNode TRESUsageOutMinTask TRESUsageOutTot
    UID User UserCPU WCKey WCKeyID WorkDir
"""
SACCT_FIELDS = frozenset(name.lower() for name in _HELPFORMAT.split())


class FakeSlurm:
    def __init__(self, nodes: tuple[Node, ...] = TEST_CLUSTER_NODES, path: Path | None = None):
        self._nodes = nodes
        self.path = path
        self.state = SlurmState()
        self.jobs: dict[str, int] = {}  # account -> active jobs
        self.job_records: list[dict[str, str]] = []  # what sacct reports, one dict per job
        if path is not None and path.exists():
            self._load(path)

    # ---------------------------------------------------------------- reading
    def read_state(self) -> SlurmState:
        return SlurmState(
            accounts=dict(self.state.accounts),
            users=set(self.state.users),
            qos=dict(self.state.qos),
            reservations=dict(self.state.reservations),
        )

    def active_jobs(self, account: str) -> int:
        return self.jobs.get(account, 0)

    def cancel_jobs(self, account: str) -> None:
        self.jobs.pop(account, None)
        self._save()

    def gpu_types(self) -> frozenset[str]:
        return frozenset(n.chip for n in self._nodes if n.chip)

    def nodes(self) -> list[Node]:
        return sorted(self._nodes, key=lambda n: n.name)

    def sacct(self, args: list[str]) -> str:
        """Renders `job_records` for `--format=A,B,...` in `--parsable2` form."""
        columns: list[str] = []
        for arg in args:
            if arg.startswith(("--format=", "-o=")):
                columns = arg.split("=", 1)[1].split(",")
        for column in columns:
            if column.split("%")[0].lower() not in SACCT_FIELDS:  # `JobID%20` sets a width
                raise SlurmCommandFailed(
                    f'Slurm refused sacct: Invalid field requested: "{column}"'
                )
        lines = [] if "-n" in args or "--noheader" in args else ["|".join(columns)]
        lines += ["|".join(r.get(c, "") for c in columns) for r in self.job_records]
        return "".join(f"{line}\n" for line in lines)

    # ---------------------------------------------------------------- test helpers
    def start_job(self, account: str) -> None:
        if account not in self.state.accounts:
            raise SlurmCommandFailed("Invalid account or account/partition combination specified")
        self.jobs[account] = self.jobs.get(account, 0) + 1
        self._save()

    # ---------------------------------------------------------------- writing
    def apply(self, change: Change) -> None:
        item = change.after if change.after is not None else change.before
        if isinstance(item, Account):
            self._apply_account(change.action, item)
        elif isinstance(item, UserAssoc):
            self._apply_user(change.action, item)
        elif isinstance(item, Qos):
            if change.action != "remove":
                self._check_tres(item.max_tres_per_job)
            self._apply_named(self.state.qos, change.action, item)
        elif isinstance(item, Reservation):
            self._check_reservation(item)
            self._apply_named(self.state.reservations, change.action, item)
        self._save()

    def _apply_account(self, action: str, account: Account) -> None:
        accounts = self.state.accounts
        if action == "remove":
            self._need(account.name in accounts, f"account {account.name} does not exist")
            self._need(
                not self.jobs.get(account.name),
                f"Job(s) active, cancel job(s) before remove: account {account.name}",
            )
            self._need(
                all(a.parent != account.name for a in accounts.values()),
                f"account {account.name} still has child accounts",
            )
            del accounts[account.name]
            self.state.users = {u for u in self.state.users if u.account != account.name}
            return
        self._need(
            account.parent == "root" or account.parent in accounts,
            f"Parent account '{account.parent}' doesn't exist",
        )
        self._need(action != "add" or account.name not in accounts, "Nothing new added.")
        self._need(
            action != "modify" or account.name in accounts,
            f"Nothing modified: no account {account.name}",
        )
        self._check_tres(account.grp_tres_mins)
        for qos in account.qos:
            self._need(qos == "normal" or qos in self.state.qos, f"Invalid qos name '{qos}'")
        if not account.qos:
            # Like Slurm, an association without QOS of its own takes its parent's.
            parent = accounts.get(account.parent)
            inherited = parent.qos if parent is not None else ("normal",)
            account = dataclasses.replace(account, qos=inherited)
        accounts[account.name] = account

    def _apply_user(self, action: str, user: UserAssoc) -> None:
        if action == "add":
            self._need(user.account in self.state.accounts, f"no account {user.account}")
            self._need(user not in self.state.users, "Nothing new added.")
            self.state.users.add(user)
        else:
            self._need(user in self.state.users, f"no association {user.name}")
            self.state.users.discard(user)

    def _apply_named(self, table: dict[str, Any], action: str, item: Qos | Reservation) -> None:
        if action == "add":
            self._need(item.name not in table, "Nothing new added.")
        else:
            self._need(item.name in table, f"{item.name} does not exist")
        if action == "remove":
            del table[item.name]
        else:
            table[item.name] = item

    def _check_tres(self, limits: tuple[tuple[str, int], ...]) -> None:
        """Slurm knows only the TRES it accounts for (AccountingStorageTRES)."""
        known = {f"gres/gpu:{chip}" for chip in self.gpu_types()} | {"gres/gpu", "cpu"}
        for name, _ in limits:
            self._need(name in known, f"Invalid TRES name '{name}'")

    def _check_reservation(self, res: Reservation) -> None:
        names = {n.name for n in self._nodes}
        for node in res.nodes:
            self._need(node in names, f"Invalid node name specified: {node}")
        for account in res.accounts:
            self._need(account in self.state.accounts, f"Invalid account or account list {account}")

    @staticmethod
    def _need(condition: bool, message: str) -> None:
        if not condition:
            raise SlurmCommandFailed(f"Slurm refused the change: {message}")

    # ---------------------------------------------------------------- persistence
    def _save(self) -> None:
        if self.path is None:
            return
        doc = {
            "accounts": [dataclasses.asdict(a) for a in self.state.accounts.values()],
            "users": sorted([u.user, u.account] for u in self.state.users),
            "qos": [dataclasses.asdict(q) for q in self.state.qos.values()],
            "reservations": [dataclasses.asdict(r) for r in self.state.reservations.values()],
            "jobs": self.jobs,
            "job_records": self.job_records,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, default=str, indent=1))
        tmp.replace(self.path)

    def _load(self, path: Path) -> None:
        doc = json.loads(path.read_text())
        for a in doc["accounts"]:
            a.update(grp_tres_mins=_tres(a["grp_tres_mins"]), qos=tuple(a["qos"]))
            self.state.accounts[a["name"]] = Account(**a)
        self.state.users = {UserAssoc(u, a) for u, a in doc["users"]}
        for q in doc["qos"]:
            self.state.qos[q["name"]] = Qos(q["name"], q["priority"], _tres(q["max_tres_per_job"]))
        for r in doc["reservations"]:
            self.state.reservations[r["name"]] = Reservation(
                name=r["name"],
                accounts=tuple(r["accounts"]),
                nodes=tuple(r["nodes"]),
                start=dt.datetime.fromisoformat(r["start"]),
                end=dt.datetime.fromisoformat(r["end"]),
            )
        self.jobs = dict(doc["jobs"])
        self.job_records = list(doc["job_records"])


def _tres(pairs: list[list[Any]]) -> tuple[tuple[str, int], ...]:
    return tuple((str(name), int(amount)) for name, amount in pairs)
