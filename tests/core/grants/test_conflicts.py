from aisc.core.grants.conflicts import OrgRef, declared_lines, find_conflict

HARBOUR = OrgRef(pk=7, code="HKU-DEMO", names=("Harbour University", "海港大學"))


def test_a_member_of_the_applicant_organisation_is_in_conflict() -> None:
    reason = find_conflict(reviewer_org_ids=[3, 7], declared="", applicant=HARBOUR)
    assert reason == "the reviewer is a member of the applicant organisation"


def test_a_declared_relationship_by_code_or_name_is_a_conflict_whatever_the_case() -> None:
    for declared in ["hku-demo", "  Harbour university  ", "Other Ltd\n海港大學"]:
        reason = find_conflict(reviewer_org_ids=[], declared=declared, applicant=HARBOUR)
        assert reason == "the reviewer declared a relationship with the applicant organisation"


def test_an_unrelated_reviewer_has_no_conflict() -> None:
    assert find_conflict(reviewer_org_ids=[1], declared="Peak U", applicant=HARBOUR) is None


def test_blank_lines_and_blank_names_never_match() -> None:
    assert declared_lines("\n  \nA\n") == frozenset({"a"})
    nameless = OrgRef(pk=1, code="X", names=("", " "))
    assert nameless.labels() == frozenset({"x"})
    assert find_conflict(reviewer_org_ids=[], declared="\n\n", applicant=nameless) is None
