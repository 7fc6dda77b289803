"""A job's state reads in the reader's language on the usage page, however sacct wrote it; the
stored state stays as sacct wrote it."""

from django.utils import translation

from aisc.web.billing.award_usage import Job
from aisc.web.billing.job_states import STATES, label
from aisc.web.catalogue.node_states import label as node_label


def test_it_reads_sacct_states_with_their_suffixes() -> None:
    with translation.override("en"):
        assert label("COMPLETED") == "Completed"
        assert label("CANCELLED by 1234") == "Cancelled"
        assert label("timeout") == "Ran out of time"


def test_every_state_has_chinese_words_and_a_failed_job_is_not_a_failed_node() -> None:
    with translation.override("zh-hant"):
        assert all(str(words) != key for key, words in STATES.items())
        assert label("RUNNING") == "運行中"
        assert label("FAILED") == "失敗"
        assert node_label("fail") == "故障"


def test_an_unknown_state_shows_as_sacct_wrote_it_and_the_job_keeps_it() -> None:
    job = Job("1", "alice", "LAUNCH_FAILED", "h800", 8, None, None, 1.0)  # type: ignore[arg-type]
    with translation.override("zh-hant"):
        assert job.state_label == "LAUNCH_FAILED"
        assert label("") == ""
    assert job.state == "LAUNCH_FAILED"
