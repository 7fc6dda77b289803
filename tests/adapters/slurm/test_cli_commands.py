"""CliSlurm without a cluster: what it reads out of Slurm's own output and which argument lists it
runs for each change. The answers below were printed by the Slurm 22.05 test cluster
(scripts/slurm-test-cluster, docs/slurm-test-cluster.md); the contract suite runs the same
adapter against that cluster under the `slurm` marker. Here the boundary is the Runner, one
`run(argv) -> stdout`, so the default stage checks the parsing and the commands on any machine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.protocol import Node
from aisc.core.allocations.slurmstate import Account, Change, Qos, Reservation, UserAssoc

UTC = dt.UTC
SINFO = """br104-01|br104|gpu:br104:8|idle
br104-02|br104|gpu:br104:8|mixed
h800-02|h800*|gpu:h800:8|allocated
h800-01|h800*|gpu:h800:8|idle
"""
TRES = "cpu|\nmem|\nenergy|\nnode|\nbilling|\nfs|disk\ngres|gpu\ngres|gpu:h800\ngres|gpu:br104\n"
ASSOC = """root||||||normal|
root|root|||||normal|
aisc||root||||normal|
c2026a||aisc||||normal|
p2026a-001||c2026a|gres/gpu:h800=60000|||aisc-subsidy|aisc-subsidy
p2026a-001|alice|c2026a|||||
p2026a-002||c2026a|gres/gpu:br104=600|0|0||
ext-lab||root||||normal|
ext-lab|bob|root|||||
"""
# Description and organisation are asked for aisc's accounts only, one column at a time: they are
# free text, and `-P` leaves a `|` in them unescaped.
OURS = "name=aisc,c2026a,p2026a-001,p2026a-002"
DESCRIPTIONS = """aisc|aisc
c2026a|call c2026a
p2026a-001|grant p2026a-001
p2026a-002|grant p2026a-002
"""
ORGANISATIONS = "aisc|aisc\nc2026a|aisc\np2026a-001|harbour-u\np2026a-002|kowloon-ai\n"
QOS = "normal|0|\naisc-subsidy|100|gres/gpu=16\n"
RESERVATIONS = (
    "ReservationName=aisc-p2026a-001 StartTime=2026-12-01T00:00:00 EndTime=2027-03-01T00:00:00 "
    "Duration=90-00:00:00 Nodes=h800-0[1-2] NodeCnt=2 CoreCnt=2 Features=(null) "
    "PartitionName=(null) Flags=IGNORE_JOBS,SPEC_NODES TRES=cpu=2 Users=(null) Groups=(null) "
    "Accounts=p2026a-001 Licenses=(null) State=INACTIVE BurstBuffer=(null) Watts=n/a\n"
    "ReservationName=maintenance StartTime=2026-12-24T00:00:00 EndTime=2026-12-25T00:00:00 "
    "Duration=1-00:00:00 Nodes=br104-01 NodeCnt=1 CoreCnt=1 Features=(null) "
    "PartitionName=(null) Flags=MAINT TRES=cpu=1 Users=root Groups=(null) Accounts=(null) "
    "Licenses=(null) State=INACTIVE BurstBuffer=(null) Watts=n/a\n"
)


class Recorded:
    """A Runner that answers each command from Slurm's recorded output and keeps the argv."""

    def __init__(self, answers: dict[tuple[str, ...], str] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[list[str]] = []

    def run(self, argv: Sequence[str]) -> str:
        self.calls.append(list(argv))
        for prefix, out in self.answers.items():
            if tuple(argv[: len(prefix)]) == prefix:
                return out
        return ""


def reading() -> Recorded:
    return Recorded(
        {
            ("sinfo",): SINFO,
            ("sacctmgr", "-n", "-P", "show", "tres"): TRES,
            ("sacctmgr", "-n", "-P", "show", "assoc"): ASSOC,
            ("sacctmgr", "-n", "-P", "show", "account", "where", OURS, "format=account,descr"): (
                DESCRIPTIONS
            ),
            ("sacctmgr", "-n", "-P", "show", "account", "where", OURS, "format=account,org"): (
                ORGANISATIONS
            ),
            ("sacctmgr", "-n", "-P", "show", "qos"): QOS,
            ("scontrol", "-o", "show", "reservation"): RESERVATIONS,
        }
    )


def test_nodes_come_sorted_with_their_chip_count_and_the_default_partitions_star_removed() -> None:
    assert CliSlurm(reading()).nodes() == [
        Node("br104-01", "br104", "br104", 8, "idle"),
        Node("br104-02", "br104", "br104", 8, "mixed"),
        Node("h800-01", "h800", "h800", 8, "idle"),
        Node("h800-02", "h800", "h800", 8, "allocated"),
    ]


def test_gpu_types_are_the_typed_gres_of_the_tres_table() -> None:
    assert CliSlurm(reading()).gpu_types() == frozenset({"h800", "br104"})


def test_read_state_keeps_only_the_aisc_subtree_with_its_budgets_limits_and_users() -> None:
    state = CliSlurm(reading()).read_state()
    assert sorted(state.accounts) == ["aisc", "c2026a", "p2026a-001", "p2026a-002"]
    assert state.accounts["p2026a-001"] == Account(
        name="p2026a-001",
        parent="c2026a",
        description="grant p2026a-001",
        organization="harbour-u",
        grp_tres_mins=(("gres/gpu:h800", 60000),),
        qos=("aisc-subsidy",),
        default_qos="aisc-subsidy",
    )
    assert state.accounts["p2026a-002"].suspended
    assert state.users == {UserAssoc("alice", "p2026a-001")}  # bob is ext-lab's, not ours


def test_a_bar_in_a_description_or_organisation_stays_in_it() -> None:
    recorded = reading()
    show = ("sacctmgr", "-n", "-P", "show", "account", "where", OURS)
    recorded.answers[(*show, "format=account,descr")] = "p2026a-001|grant | harbour|u\n"
    recorded.answers[(*show, "format=account,org")] = "p2026a-001|harbour | u\n"
    account = CliSlurm(recorded).read_state().accounts["p2026a-001"]
    assert (account.description, account.organization) == ("grant | harbour|u", "harbour | u")


def test_read_state_keeps_only_qos_and_reservations_named_with_the_prefix() -> None:
    state = CliSlurm(reading()).read_state()
    assert state.qos == {"aisc-subsidy": Qos("aisc-subsidy", 100, (("gres/gpu", 16),))}
    assert state.reservations == {
        "aisc-p2026a-001": Reservation(
            name="aisc-p2026a-001",
            accounts=("p2026a-001",),
            nodes=("h800-01", "h800-02"),
            start=dt.datetime(2026, 12, 1, tzinfo=UTC),
            end=dt.datetime(2027, 3, 1, tzinfo=UTC),
        )
    }


def applied(change: Change) -> list[list[str]]:
    runner = Recorded()
    CliSlurm(runner).apply(change)
    return runner.calls


GRANT = Account(
    "p2026a-003",
    "c2026a",
    "grant p2026a-003",
    "harbour-u",
    grp_tres_mins=(("gres/gpu:h800", 60000),),
    qos=("aisc-subsidy",),
    default_qos="aisc-subsidy",
)


def test_a_new_account_is_added_under_its_parent_then_given_its_budget_and_qos() -> None:
    calls = applied(Change("add", "account", GRANT.name, after=GRANT))
    assert calls == [
        [
            "sacctmgr", "-i", "add", "account", "p2026a-003", "parent=c2026a",
            "Description=grant p2026a-003", "Organization=harbour-u",
        ],
        [
            "sacctmgr", "-i", "modify", "account", "where", "name=p2026a-003", "set",
            "GrpTRESMins=gres/gpu:h800=60000", "QOS=aisc-subsidy", "DefaultQOS=aisc-subsidy",
        ],
    ]  # fmt: skip


def test_a_budget_dropped_from_an_account_is_set_to_minus_one_and_a_suspension_to_zero() -> None:
    before = Account(
        "p2026a-003", "c2026a", grp_tres_mins=(("gres/gpu:br104", 600), ("gres/gpu:h800", 60000))
    )
    after = Account(
        "p2026a-003", "c2026a", grp_tres_mins=(("gres/gpu:h800", 60000),), grp_jobs=0,
        grp_submit_jobs=0,
    )  # fmt: skip
    calls = applied(Change("modify", "account", "p2026a-003", before=before, after=after))
    assert calls == [
        [
            "sacctmgr", "-i", "modify", "account", "where", "name=p2026a-003", "set",
            "GrpTRESMins=gres/gpu:br104=-1,gres/gpu:h800=60000", "GrpJobs=0", "GrpSubmitJobs=0",
        ]
    ]  # fmt: skip


def test_lifting_a_suspension_sets_the_job_limits_back_to_unlimited() -> None:
    before = Account("p2026a-003", "c2026a", grp_jobs=0, grp_submit_jobs=0)
    after = Account("p2026a-003", "c2026a")
    calls = applied(Change("modify", "account", "p2026a-003", before=before, after=after))
    assert calls[0][-2:] == ["GrpJobs=-1", "GrpSubmitJobs=-1"]


def test_a_new_description_alone_is_the_only_setting_sent_and_a_removed_account_is_deleted() -> (
    None
):
    before = Account("ext-p1", "c2026a", "old words", "harbour-u")
    after = Account("ext-p1", "c2026a", "new words", "harbour-u")
    assert applied(Change("modify", "account", "ext-p1", before=before, after=after)) == [
        [
            "sacctmgr",
            "-i",
            "modify",
            "account",
            "where",
            "name=ext-p1",
            "set",
            "Description=new words",
        ]
    ]
    assert applied(Change("remove", "account", GRANT.name, before=GRANT)) == [
        ["sacctmgr", "-i", "delete", "account", "p2026a-003"]
    ]


def test_users_are_added_to_and_deleted_from_their_account() -> None:
    alice = UserAssoc("alice", "p2026a-003")
    assert applied(Change("add", "user", alice.name, after=alice)) == [
        ["sacctmgr", "-i", "add", "user", "alice", "account=p2026a-003"]
    ]
    assert applied(Change("remove", "user", alice.name, before=alice)) == [
        ["sacctmgr", "-i", "delete", "user", "alice", "account=p2026a-003"]
    ]


def test_a_new_qos_is_added_then_given_its_priority_and_per_job_cap() -> None:
    qos = Qos("aisc-subsidy", 100, (("gres/gpu", 16),))
    assert applied(Change("add", "qos", qos.name, after=qos)) == [
        ["sacctmgr", "-i", "add", "qos", "aisc-subsidy"],
        [
            "sacctmgr", "-i", "modify", "qos", "where", "name=aisc-subsidy", "set",
            "Priority=100", "MaxTRESPerJob=gres/gpu=16",
        ],
    ]  # fmt: skip
    lowered = Qos("aisc-subsidy", 50)
    assert applied(Change("modify", "qos", qos.name, before=qos, after=lowered)) == [
        [
            "sacctmgr", "-i", "modify", "qos", "where", "name=aisc-subsidy", "set",
            "Priority=50", "MaxTRESPerJob=gres/gpu=-1",
        ]
    ]  # fmt: skip
    assert applied(Change("remove", "qos", qos.name, before=qos)) == [
        ["sacctmgr", "-i", "delete", "qos", "aisc-subsidy"]
    ]


def test_a_reservation_already_begun_starts_now_and_leaves_running_jobs_alone() -> None:
    begun = Reservation(
        "aisc-p2026a-003",
        ("p2026a-003",),
        ("h800-01", "h800-02"),
        dt.datetime(2020, 1, 1, tzinfo=UTC),
        dt.datetime(2099, 3, 1, 12, 30, tzinfo=UTC),
    )
    assert applied(Change("add", "reservation", begun.name, after=begun)) == [
        [
            "scontrol", "create", "reservation", "ReservationName=aisc-p2026a-003",
            "Accounts=p2026a-003", "Nodes=h800-01,h800-02", "StartTime=now",
            "EndTime=2099-03-01T12:30:00", "Flags=IGNORE_JOBS",
        ]
    ]  # fmt: skip


def test_a_future_reservation_is_updated_with_its_times_and_deleted_by_name() -> None:
    future = Reservation(
        "aisc-p2026a-003",
        ("p2026a-003",),
        ("h800-02",),
        dt.datetime(2099, 1, 1, tzinfo=UTC),
        dt.datetime(2099, 2, 1, tzinfo=UTC),
    )
    assert applied(Change("modify", "reservation", future.name, before=future, after=future)) == [
        [
            "scontrol", "update", "ReservationName=aisc-p2026a-003", "Accounts=p2026a-003",
            "Nodes=h800-02", "StartTime=2099-01-01T00:00:00", "EndTime=2099-02-01T00:00:00",
        ]
    ]  # fmt: skip
    assert applied(Change("remove", "reservation", future.name, before=future)) == [
        ["scontrol", "delete", "ReservationName=aisc-p2026a-003"]
    ]


def test_active_jobs_counts_the_job_ids_squeue_lists_for_the_account() -> None:
    runner = Recorded({("squeue",): "101\n102\n\n103\n"})
    assert CliSlurm(runner).active_jobs("p2026a-001") == 3
    assert runner.calls == [
        ["squeue", "-h", "-A", "p2026a-001", "-t", "PENDING,RUNNING,SUSPENDED,COMPLETING",
         "-o", "%i"]
    ]  # fmt: skip


def test_cancelling_returns_once_squeue_lists_nothing() -> None:
    runner = Recorded()  # squeue answers nothing: the jobs are gone
    CliSlurm(runner).cancel_jobs("p2026a-001")
    assert [call[0] for call in runner.calls] == ["scancel", "squeue"]
    assert runner.calls[0] == ["scancel", "-A", "p2026a-001"]


def test_jobs_still_listed_after_the_wait_are_an_error_naming_the_account() -> None:
    runner = Recorded({("squeue",): "101\n"})
    with pytest.raises(SlurmCommandFailed, match="jobs of account p2026a-001 were cancelled"):
        CliSlurm(runner, cancel_wait=0).cancel_jobs("p2026a-001")
    assert runner.calls[0] == ["scancel", "-A", "p2026a-001"]


class Stopwatch:
    """A monotonic clock that only moves when the adapter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Draining(Recorded):
    """squeue lists the account's job for the first `polls` asks, then nothing."""

    def __init__(self, polls: int) -> None:
        super().__init__()
        self.polls = polls

    def run(self, argv: Sequence[str]) -> str:
        super().run(argv)
        if argv[0] != "squeue":
            return ""
        self.polls -= 1
        return "101\n" if self.polls >= 0 else ""


def test_cancelling_polls_squeue_until_the_jobs_have_gone_within_the_wait() -> None:
    runner, watch = Draining(polls=3), Stopwatch()
    cli = CliSlurm(runner, cancel_wait=30, clock=lambda: watch.now, sleep=watch.sleep)
    cli.cancel_jobs("p2026a-001")
    assert [call[0] for call in runner.calls] == ["scancel", "squeue", "squeue", "squeue", "squeue"]
    assert watch.slept == [0.5, 0.5, 0.5]


def test_cancelled_jobs_that_outlast_the_wait_are_an_error_after_polling_the_whole_wait() -> None:
    runner, watch = Recorded({("squeue",): "101\n"}), Stopwatch()
    cli = CliSlurm(runner, cancel_wait=30, clock=lambda: watch.now, sleep=watch.sleep)
    with pytest.raises(SlurmCommandFailed) as caught:
        cli.cancel_jobs("p2026a-001")
    assert (
        str(caught.value) == "jobs of account p2026a-001 were cancelled but still show after 30 s"
    )
    # It asked every half second for the whole 30 s and once more past the deadline, then gave up.
    assert sum(watch.slept) == 30.5
    assert [call[0] for call in runner.calls].count("squeue") == 62


def test_sacct_passes_its_arguments_through() -> None:
    runner = Recorded({("sacct",): "JobID|State\n7|COMPLETED\n"})
    assert CliSlurm(runner).sacct(["-j", "7"]) == "JobID|State\n7|COMPLETED\n"
    assert runner.calls == [["sacct", "-j", "7"]]
