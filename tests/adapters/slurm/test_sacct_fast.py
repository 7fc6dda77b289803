"""The fast path of the sacct parser agrees with the careful one on every line, good or bad."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.adapters.slurm.sacct_fast import FastLines, steady_offset
from aisc.adapters.slurm.usage import FIELDS, Parsed, parse_gpus, parse_sacct

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
LONDON = zoneinfo.ZoneInfo("Europe/London")  # daylight saving: a gap in March, a fold in October
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")  # half an hour off whole hours
ZONES = [HK, LONDON, KOLKATA, zoneinfo.ZoneInfo("America/New_York")]
HEADER = "|".join(FIELDS)
GOOD = (
    "1001|aisc|p2026a-001|alice|h800|COMPLETED|2026-03-01T09:00:00|2026-03-01T09:00:05|"
    "02:00:00|billing=16,cpu=64,gres/gpu:h800=8,gres/gpu=8,node=1"
)


def both_ways(text: str, tz: zoneinfo.ZoneInfo = HK) -> tuple[Parsed, Parsed]:
    return (
        parse_sacct(text, cluster="aisc", tz=tz),
        parse_sacct(text, cluster="aisc", tz=tz, careful_only=True),
    )


def assert_same(fast: Parsed, careful: Parsed) -> None:
    assert fast.records == careful.records
    assert [r.submit.tzinfo for r in fast.records] == [r.submit.tzinfo for r in careful.records]
    assert fast.line_nos == careful.line_nos
    assert fast.lines == careful.lines
    assert fast.rejects == careful.rejects
    assert fast.steps_skipped == careful.steps_skipped


def fast_lines(tz: zoneinfo.ZoneInfo = HK) -> FastLines:
    return FastLines("aisc", tz, parse_gpus)


def test_the_common_line_is_read_by_the_fast_path_into_the_careful_paths_record() -> None:
    record = fast_lines().record(GOOD)
    [careful] = parse_sacct(GOOD, cluster="aisc", tz=HK, careful_only=True).records
    assert record == careful
    assert record is not None
    assert record.submit == dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)
    assert record.start == dt.datetime(2026, 3, 1, 1, 0, 5, tzinfo=dt.UTC)


UNUSUAL = [
    GOOD.replace("COMPLETED", "CANCELLED by 1000"),  # a state with words after it
    GOOD.replace("|alice|", "| alice |"),  # blanks the careful path strips
    GOOD.replace("1001|", "1001_7|", 1),  # an array job
    GOOD.replace("1001|", "1001.batch|", 1),  # a step: skipped
    GOOD.replace("02:00:00", "45:07"),  # MM:SS
    GOOD.replace("02:00:00", "02:00:00.250"),
    GOOD.replace("|aisc|", "||"),  # no cluster: the one given
    GOOD.replace("2026-03-01T09:00:05", "Unknown"),  # not started
    GOOD.replace("2026-03-01T09:00:05", "2026-03-01T09:00:05+08:00"),  # with an offset
    GOOD.replace("COMPLETED", "completed"),
]
REFUSED = [
    GOOD.replace("COMPLETED", "EXPLODED"),
    GOOD.replace("2026-03-01T09:00:00", "2026-13-01T09:00:00", 1),  # month 13
    GOOD.replace("2026-03-01T09:00:05", "2026-02-30T09:00:05"),
    GOOD.replace("2026-03-01T09:00:00", "2026-03-01T24:00:00", 1),
    GOOD.replace("02:00:00", "-02:00:00"),
    GOOD.replace("02:00:00", "02:61:00"),  # the careful rule takes any two digits: so does this
    GOOD.replace("gres/gpu:h800=8,", ""),  # untyped GPUs
    GOOD.replace("gres/gpu=8", "gres/gpu=x"),
    GOOD.replace("|p2026a-001|", "||"),  # no account
    GOOD.replace("1001|", "abc|", 1),
    GOOD.replace("1001|", "١٠٠١|", 1),  # digits of another script
    GOOD + "|extra",
    "garbage",
]


# What the careful rules accept of REFUSED: two-digit minutes of any value, and a job id in
# digits of another script (its \\d takes them). The fast path leaves the second to it.
READ_ANYWAY = [GOOD.replace("02:00:00", "02:61:00"), GOOD.replace("1001|", "١٠٠١|", 1)]


def test_unusual_and_refused_lines_give_what_the_careful_path_gives() -> None:
    text = "\n".join([HEADER, GOOD, *UNUSUAL, *REFUSED, GOOD.replace("1001", "1002")])
    fast, careful = both_ways(text)
    assert_same(fast, careful)
    rejected = {r.line for r in fast.rejects}
    assert rejected == set(REFUSED) - set(READ_ANYWAY)
    assert fast.steps_skipped == 1


def test_lines_the_fast_path_cannot_take_make_it_answer_none() -> None:
    fast = fast_lines()
    fast_shaped = {UNUSUAL[6], UNUSUAL[7], READ_ANYWAY[0]}  # no cluster, not started
    for line in [*UNUSUAL, *REFUSED]:
        assert (fast.record(line) is None) == (line not in fast_shaped), line


def test_a_header_in_another_order_sends_every_line_the_careful_way() -> None:
    order = ["JobID", "Account", *[f for f in FIELDS if f not in ("JobID", "Account")]]
    cells = GOOD.split("|")
    line = "|".join([cells[0], cells[2], cells[1], *cells[3:]])
    fast, careful = both_ways("\n".join(["|".join(order), line]))
    assert_same(fast, careful)
    assert fast.records[0].account == "p2026a-001"


def test_a_missing_header_assumes_the_fields_order() -> None:
    fast, careful = both_ways(f"{GOOD}\n\n{GOOD.replace('1001', '1002')}\n")
    assert_same(fast, careful)
    assert len(fast.records) == 2


def test_local_times_around_daylight_saving_switches_go_the_careful_way() -> None:
    fast = fast_lines(LONDON)
    gap = GOOD.replace("2026-03-01T09:00:00", "2026-03-29T01:30:00", 1)  # clocks jump 01→02
    fold = GOOD.replace("2026-03-01T09:00:00", "2026-10-25T01:30:00", 1)  # 01:00-02:00 twice
    assert fast.record(gap) is None
    assert fast.record(fold) is None
    assert fast.record(GOOD) is not None
    assert_same(*both_ways("\n".join([gap, fold, GOOD]), LONDON))


def test_an_hour_with_one_offset_has_it_and_a_switching_hour_has_none() -> None:
    assert steady_offset(dt.datetime(2026, 3, 1, 9), HK) == dt.timedelta(hours=8)
    assert steady_offset(dt.datetime(2026, 3, 1, 9), KOLKATA) == dt.timedelta(hours=5, minutes=30)
    assert steady_offset(dt.datetime(2026, 3, 29, 1), LONDON) is None
    assert steady_offset(dt.datetime(2026, 10, 25, 1), LONDON) is None
    assert steady_offset(dt.datetime(2026, 10, 25, 2), LONDON) == dt.timedelta(0)


def test_the_calendars_first_hour_goes_the_careful_way() -> None:
    early = GOOD.replace("2026-03-01T09:00:00", "0001-01-01T00:00:00", 1)
    assert fast_lines().record(early) is None


def test_more_distinct_tres_texts_than_the_cache_holds_are_still_read_right() -> None:
    lines = [
        GOOD.replace("1001|", f"{job}|", 1).replace("cpu=64", f"cpu={job}")
        for job in range(1, 4200)
    ]
    fast, careful = both_ways("\n".join(lines))
    assert_same(fast, careful)
    assert len(fast.records) == 4199


times = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31))
elapsed = st.integers(min_value=0, max_value=40 * 86400)
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_ .|", min_size=0, max_size=8)


@st.composite
def sacct_lines(draw: st.DrawFn) -> str:
    submit = draw(times).replace(microsecond=0)
    start = draw(st.one_of(st.just(submit), times.map(lambda t: t.replace(microsecond=0))))
    seconds = draw(elapsed)
    days, rest = divmod(seconds, 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    cells = [
        str(draw(st.integers(min_value=1, max_value=10**7))),
        draw(st.sampled_from(["aisc", "", "other"])),
        draw(st.sampled_from(["p1", "p2", "", " p3"])),
        draw(st.sampled_from(["alice", "bob"])),
        draw(st.sampled_from(["h800", "h100", "dedicated"])),
        draw(st.sampled_from(["COMPLETED", "RUNNING", "FAILED", "PENDING", "CANCELLED by 7"])),
        submit.isoformat(),
        draw(st.sampled_from(["Unknown", "None", start.isoformat()])),
        f"{days}-{clock}" if days else clock,
        draw(
            st.sampled_from(
                [
                    "billing=8,cpu=64,gres/gpu:h800=8,gres/gpu=8,node=1",
                    "gres/gpu:h100=2,gres/gpu=2",
                    "cpu=4,mem=8G",
                    "gres/gpu=4",
                    "",
                ]
            )
        ),
    ]
    if draw(st.booleans()):  # now and then, damage one field
        cells[draw(st.integers(min_value=0, max_value=9))] = draw(words)
    return "|".join(cells)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(sacct_lines(), min_size=1, max_size=20), zone=st.sampled_from(ZONES))
def test_fast_and_careful_parsers_agree_on_generated_lines(
    lines: list[str], zone: zoneinfo.ZoneInfo
) -> None:
    assert_same(*both_ways("\n".join([HEADER, *lines]), zone))


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("zone", "line"),
    [
        (HK, GOOD.replace("2026-03-01T09:00:00", "0001-01-01T00:00:00", 1)),  # UTC: year 0
        (NEW_YORK, GOOD.replace("2026-03-01T09:00:00", "9999-12-31T23:00:00", 1)),  # year 10000
        (HK, GOOD.replace("2026-03-01T09:00:05", "0001-01-01T07:00:00")),  # LMT +07:36:42
    ],
)
def test_a_time_at_the_calendars_edge_is_refused_with_its_field_and_the_rest_is_read(
    zone: zoneinfo.ZoneInfo, line: str
) -> None:
    text = "\n".join([line, GOOD.replace("1001", "1002")])
    fast, careful = both_ways(text, zone)
    assert_same(fast, careful)
    [reject] = careful.rejects
    assert reject.line_no == 1
    assert "out of range" in reject.message
    assert reject.message.split(":")[0] in ("submit", "start")
    assert [r.job_id for r in careful.records] == ["1002"]


@pytest.mark.parametrize("count", ["²", "٨", "８"])  # a superscript, Arabic-Indic, full-width
def test_a_gpu_count_in_digits_slurm_never_writes_is_refused_and_the_rest_is_read(
    count: str,
) -> None:
    line = GOOD.replace("gres/gpu:h800=8", f"gres/gpu:h800={count}")
    fast, careful = both_ways("\n".join([line, GOOD.replace("1001", "1002")]))
    assert_same(fast, careful)
    [reject] = careful.rejects
    assert reject.message == f"alloc_tres: 'gres/gpu:h800={count}' is not NAME=COUNT"
    assert [r.job_id for r in careful.records] == ["1002"]


def test_more_distinct_hours_than_the_cache_holds_are_still_read_right() -> None:
    start = dt.datetime(2026, 1, 1)
    lines = [
        GOOD.replace("1001|", f"{n}|", 1).replace(
            "2026-03-01T09:00:00", (start + dt.timedelta(hours=n)).isoformat(), 1
        )
        for n in range(4200)
    ]
    fast_path = fast_lines()
    assert all(fast_path.record(line) is not None for line in lines)
    assert len(fast_path._hours) <= 4096
    fast, careful = both_ways("\n".join(lines))
    assert_same(fast, careful)
    assert len(fast.records) == 4200
