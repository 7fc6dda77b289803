"""One mapping gives every page a node's state in the reader's words, whatever case or flag
Slurm wrote it with."""

from django.utils import translation

from aisc.web.catalogue.models import NodeState
from aisc.web.catalogue.node_states import label


def test_it_reads_slurm_states_in_either_case() -> None:
    with translation.override("en"):
        assert label("IDLE") == "Idle"
        assert label("allocated") == "Allocated"
        assert label("DRAIN") == "Draining"
        assert label(" mixed ") == "Mixed"


def test_it_names_every_state_the_catalogue_stores() -> None:
    with translation.override("zh-hant"):
        for state in NodeState:
            assert label(state.value) == str(state.label)


def test_it_gives_a_flag_and_combined_states_in_chinese() -> None:
    with translation.override("zh-hant"):
        assert label("idle*") == "閒置（無回應）"
        assert label("IDLE+DRAIN") == "閒置 + 排空中"
        assert label("down~") == "停機（已關機）"


def test_it_shows_a_state_it_does_not_know_as_slurm_wrote_it() -> None:
    with translation.override("zh-hant"):
        assert label("CLOUD") == "CLOUD"
        assert label("*") == "*"
        assert label("") == ""
