"""The audit verbs of schemes, calls, applications, reviews, awards, documents and reports: one
constant per verb, named `app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
"""

APPLICATION_CREATE = "grants.application.create"
APPLICATION_DECIDE = "grants.application.decide"
APPLICATION_SCREEN = "grants.application.screen"
APPLICATION_SUBMIT = "grants.application.submit"
APPLICATION_UPDATE = "grants.application.update"
APPLICATION_WITHDRAW = "grants.application.withdraw"
AWARD_APPROVE = "grants.award.approve"
AWARD_CANCEL = "grants.award.cancel"
AWARD_COMPLETE = "grants.award.complete"
AWARD_PUBLISH = "grants.award.publish"
AWARD_WAIVE_FINAL_REPORT = "grants.award.waive_final_report"
CALL_CLOSE = "grants.call.close"
CALL_CREATE = "grants.call.create"
CALL_CRITERIA = "grants.call.criteria"
CALL_OPEN = "grants.call.open"
CALL_PUBLISH = "grants.call.publish"
DOCUMENT_DELETE = "grants.document.delete"
DOCUMENT_UPLOAD = "grants.document.upload"
REPORT_ACCEPT = "grants.report.accept"
REPORT_RETURN = "grants.report.return"
REPORT_SUBMIT = "grants.report.submit"
REVIEW_ASSIGN = "grants.review.assign"
REVIEW_DECLARE_CONFLICT = "grants.review.declare_conflict"
REVIEW_SUBMIT = "grants.review.submit"
SCHEME_CREATE = "grants.scheme.create"
SCHEME_UPDATE = "grants.scheme.update"
TRANCHE_RELEASE = "grants.tranche.release"
