from collections.abc import Callable
from decimal import Decimal

from django.template.loader import render_to_string

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions, queries
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.models import Application, Call

from .scenario import approved


def test_the_ranking_leaves_funded_applications_out_and_counts_their_money_as_spent(
    call: Call,
    reviewed: Application,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    funded, _review, _owner = approved(call, make_org(), make_user)
    rows, left = queries.ranking(call)
    # The funded one holds its money already; only the one still in review is ranked.
    assert [r.application.pk for r in rows] == [reviewed.pk]
    assert left.amount == call.budget - funded.award.committed_amount


def test_the_ranking_shows_score_spread_and_cost_of_each_application_in_review(
    reviewed: Application,
) -> None:
    rows, left = queries.ranking(reviewed.call)
    (row,) = rows
    assert row.aggregate is not None
    assert (row.aggregate.mean, row.aggregate.spread, row.rank) == (
        Decimal("73.00"),
        Decimal("0.00"),
        1,
    )
    # 16 × 6 × 730 GPU-hours × HK$20 × 70 %
    assert (row.cost.amount, row.within_budget) == (Decimal("981120.00"), True)
    assert left.amount == reviewed.call.budget


def test_the_estimate_follows_the_workload_and_reports_a_broken_bound(
    draft: Application, applicant: User
) -> None:
    estimate = queries.estimate_for(draft)
    assert estimate is not None
    assert (estimate["k"], estimate["requested_gpu_hours"]) == (6, 70080)
    actions.do_update_application(
        acting_user=applicant, application=draft, workload="inference", tokens_served=1e9
    )
    assert queries.estimate_for(draft)["k"] == 2  # type: ignore[index]
    # No FP64 peak of the Ascend 910B is published (facts §3.2): the estimator says which field.
    draft.precision = "fp64"
    draft.chip = "ascend910b"
    broken = queries.estimate_for(draft)
    assert broken is not None
    assert broken["error"]["field"] in {"precision", "chip"}


def test_an_application_without_model_details_has_no_estimate(
    call: Call, applicant: User, org: Organisation
) -> None:
    bare = actions.do_create_application(
        acting_user=applicant, call=call, organisation=org, title="T"
    )
    assert queries.estimate_for(bare) is None


def test_each_role_lists_only_the_applications_it_may_see(
    reviewed: Application,
    applicant: User,
    reviewers: list[User],
    secretariat: User,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    stranger = make_user(org=make_org())
    assert list(queries.visible_applications(applicant)) == [reviewed]
    assert list(queries.visible_applications(reviewers[0])) == [reviewed]
    assert list(queries.visible_applications(secretariat)) == [reviewed]
    assert list(queries.visible_applications(stranger)) == []
    assert list(queries.visible_applications(make_user("reviewer"))) == []


def test_staff_see_every_review_and_the_applicant_sees_none(
    reviewed: Application, committee: User, applicant: User
) -> None:
    assert len(queries.reviews_visible_to(committee, reviewed)) == 2
    assert queries.reviews_visible_to(applicant, reviewed) == []


def test_a_deferred_application_stays_on_the_ranked_list(
    reviewed: Application, committee: User
) -> None:
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="defer", members_present=[committee]),
    )
    rows, _left = queries.ranking(reviewed.call)
    assert [r.application.pk for r in rows] == [reviewed.pk]


def test_a_refused_estimator_input_is_named_by_the_application_forms_label(
    draft: Application,
) -> None:
    draft.parameters = -5.0
    broken = queries.estimate_for(draft)
    assert broken is not None
    assert broken["error"]["field"] == "params"  # the code, for scripts
    assert broken["error"]["label"] == "Parameters"
    assert broken["error"]["message"].startswith("Parameters must be between")


def test_the_live_panel_names_a_refused_field_once(draft: Application) -> None:
    refused = {"message": "Parameters must be between 1 and 1e+13, got -5", "field": "params"}
    named = render_to_string(
        "grants/_live.html", {"estimate_error": {**refused, "label": "Parameters"}}
    )
    assert '<p class="error" role="alert">Parameters must be between' in named
    bare = render_to_string(
        "grants/_live.html", {"estimate_error": {"message": "x", "field": "chip", "label": None}}
    )
    assert "chip: x" in bare
