"""Portal URLs of the grants domain, and the public grantee list at the site root."""

from django.urls import path

from aisc.web.grants.views import (
    applicant,
    award_list,
    awards,
    calls,
    documents,
    funding,
    new_call,
    public,
    public_calls,
    schemes,
    staff,
)

app_name = "grants"
urlpatterns = [
    path("grants/", applicant.home, name="home"),
    path("grants/schemes/", schemes.schemes, name="schemes"),
    path("grants/schemes/new", schemes.new_scheme, name="new_scheme"),
    path("grants/schemes/<int:scheme_id>/edit", schemes.edit_scheme, name="edit_scheme"),
    path("grants/related-groups/", schemes.related_groups, name="related_groups"),
    path("grants/calls/new", new_call.new_call, name="new_call"),
    path("grants/calls/<int:call_id>/criteria", new_call.call_criteria, name="call_criteria"),
    path("grants/calls/<int:call_id>/start", applicant.start, name="start"),
    path("grants/calls/<int:call_id>/ranking", calls.ranking, name="ranking"),
    path("grants/calls/<int:call_id>/close", calls.close, name="close"),
    path("grants/calls/<int:call_id>/publish", calls.publish, name="publish"),
    path("grants/applications/<int:application_id>/", staff.application_page, name="application"),
    path("grants/applications/<int:application_id>/edit", applicant.edit, name="edit"),
    path("grants/applications/<int:application_id>/upload", applicant.upload, name="upload"),
    path("grants/applications/<int:application_id>/submit", applicant.submit, name="submit"),
    path("grants/applications/<int:application_id>/withdraw", documents.withdraw, name="withdraw"),
    path(
        "grants/applications/<int:application_id>/documents/<int:document_id>",
        documents.download,
        name="document",
    ),
    path(
        "grants/applications/<int:application_id>/documents/<int:document_id>/replace",
        documents.replace,
        name="replace_document",
    ),
    path(
        "grants/applications/<int:application_id>/documents/<int:document_id>/delete",
        documents.delete,
        name="delete_document",
    ),
    path("grants/applications/<int:application_id>/screen", staff.screen, name="screen"),
    path("grants/applications/<int:application_id>/assign", staff.assign, name="assign"),
    path("grants/applications/<int:application_id>/decide", staff.decide, name="decide"),
    path("grants/reviews/<int:review_id>", staff.review, name="review"),
    path(
        "grants/applications/<int:application_id>/declare-funding",
        funding.declare,
        name="declare_funding",
    ),
    path(
        "grants/declarations/<int:declaration_id>/check",
        funding.check_declaration,
        name="check_declaration",
    ),
    path(
        "grants/applications/<int:application_id>/overlaps/<int:award_id>/check",
        funding.check_overlap,
        name="check_overlap",
    ),
    path("grants/awards/", award_list.award_list, name="awards"),
    path("grants/awards/<int:award_id>/", applicant.award, name="award"),
    path(
        "grants/awards/<int:award_id>/waive-final-report",
        staff.waive_final_report,
        name="waive_final_report",
    ),
    path("grants/reports/<int:report_id>/decide", staff.decide_report, name="decide_report"),
    path("grants/reports/<int:report_id>/accept", awards.accept_report, name="accept_report"),
    path("grants/awards/<int:award_id>/cancel", awards.cancel_award, name="cancel_award"),
    path("", public_calls.home, name="front"),
    path("calls/", public_calls.calls, name="calls"),
    path("calls/<slug:code>/", public_calls.call_page, name="call"),
    path("grantees/", public.grantees, name="grantees"),
    path("grantees.csv", public.grantees_csv, name="grantees_csv"),
    path("grantees.json", public.grantees_json, name="grantees_json"),
]
