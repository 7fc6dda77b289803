"""Slurm's node states (catalogue's node_states, the operator's pages), job states (billing's
job_states, the grantee's usage page) and pending reasons (cluster's reasons, the embedded
cluster's page) read in the reader's words, whatever case, flag or suffix Slurm wrote them
with; one a table lacks shows as Slurm wrote it; a job's "Failed" and a node's read differently
in Chinese; the stored state stays as written."""

from collections.abc import Callable

import pytest
from django.utils import translation

from aisc.web.billing import job_states
from aisc.web.billing.award_usage import Job
from aisc.web.catalogue import node_states
from aisc.web.catalogue.models import NodeState
from aisc.web.cluster import reasons
from aisc.web.cluster.models import EmbeddedJob

NODE, JOB, REASON = node_states.label, job_states.label, reasons.label
READINGS: list[tuple[Callable[[str], str], str, str, str]] = [
    (NODE, "en", "IDLE", "Idle"),
    (NODE, "en", "allocated", "Allocated"),
    (NODE, "en", "DRAIN", "Draining"),
    (NODE, "en", " mixed ", "Mixed"),
    (NODE, "zh-hant", "idle*", "閒置（無回應）"),
    (NODE, "zh-hant", "IDLE+DRAIN", "閒置 + 排空中"),
    (NODE, "zh-hant", "down~", "停機（已關機）"),
    (NODE, "zh-hant", "fail", "故障"),
    (NODE, "zh-hant", "CLOUD", "CLOUD"),
    (NODE, "zh-hant", "*", "*"),
    (NODE, "zh-hant", "", ""),
    (JOB, "en", "COMPLETED", "Completed"),
    (JOB, "en", "CANCELLED by 1234", "Cancelled"),
    (JOB, "en", "timeout", "Ran out of time"),
    (JOB, "zh-hant", "RUNNING", "運行中"),
    (JOB, "zh-hant", "FAILED", "失敗"),
    (JOB, "zh-hant", "LAUNCH_FAILED", "LAUNCH_FAILED"),
    (JOB, "zh-hant", "", ""),
    (REASON, "en", "Resources", "Waiting for free GPUs"),
    (REASON, "zh-hant", "AssocGrpGRESMinutes", "分配的 GPU 時數已用盡"),
    (REASON, "zh-hant", "ReqNodeNotAvail", "所需節點停機、已排空或已預留"),
    (REASON, "zh-hant", "BadConstraints", "BadConstraints"),
]


@pytest.mark.parametrize(("reader", "language", "state", "words"), READINGS)
def test_a_state_reads_in_the_readers_words(
    reader: Callable[[str], str], language: str, state: str, words: str
) -> None:
    with translation.override(language):
        assert reader(state) == words


def test_every_state_has_chinese_words_the_catalogues_forms_agree_with() -> None:
    with translation.override("zh-hant"):
        assert all(str(words) != key for key, words in job_states.STATES.items())
        assert {NODE(s.value) for s in NodeState} == {str(s.label) for s in NodeState}


def test_a_job_keeps_its_state_and_reason_as_slurm_wrote_them() -> None:
    job = Job("1", "alice", "TIMEOUT", "h800", 8, None, None, 1.0)  # type: ignore[arg-type]
    waiting = EmbeddedJob(reason="AssocGrpJobsLimit")
    with translation.override("zh-hant"):
        assert (job.state_label, waiting.reason_label) == ("超出時限", "分配現時未生效")
    assert (job.state, waiting.reason) == ("TIMEOUT", "AssocGrpJobsLimit")
