import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.annual import application_counts, check_year


def test_it_accepts_the_years_1970_to_2100_and_refuses_others_naming_the_option() -> None:
    assert check_year(1970) == 1970
    assert check_year(2100) == 2100
    for bad in (1969, 2101, -5):
        with pytest.raises(RuleViolation, match="--year") as err:
            check_year(bad)
        assert err.value.field == "year"


def test_it_counts_each_received_application_once_and_its_outcome_at_most_once() -> None:
    rows = [
        ("c2026b", "approved"),
        ("c2026a", "approved_in_part"),
        ("c2026a", "ineligible"),
        ("c2026a", "rejected"),
        ("c2026a", "in_review"),
        ("c2026a", "withdrawn"),
        ("c2026b", "rejected"),
    ]
    assert application_counts(rows) == {
        "c2026a": {"received": 5, "screened_out": 1, "approved": 1, "rejected": 1},
        "c2026b": {"received": 2, "screened_out": 0, "approved": 1, "rejected": 1},
    }
    assert list(application_counts(rows)) == ["c2026a", "c2026b"]


def test_a_year_without_applications_counts_nothing() -> None:
    assert application_counts([]) == {}
