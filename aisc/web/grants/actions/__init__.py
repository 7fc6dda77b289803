"""do_* actions of the grants domain: each is atomic, checked against its lifecycle's transition
table (aisc.core.grants.workflow), audited, and sends its mail through the outbox."""

from aisc.web.grants.actions.applications import (
    do_create_application,
    do_submit_application,
    do_update_application,
    do_withdraw_application,
)
from aisc.web.grants.actions.awards import do_cancel_award, do_release_due_tranches
from aisc.web.grants.actions.calls import (
    do_close_call,
    do_create_call,
    do_open_call,
    do_publish_results,
    do_set_call_criteria,
)
from aisc.web.grants.actions.decisions import DecisionInput, do_decide
from aisc.web.grants.actions.documents import (
    do_delete_document,
    do_download_document,
    do_replace_document,
    do_upload_document,
)
from aisc.web.grants.actions.funding import (
    do_check_declaration,
    do_check_overlap,
    do_declare_funding,
)
from aisc.web.grants.actions.groups import do_save_related_group
from aisc.web.grants.actions.kpis import do_agree_kpi, do_report_kpi
from aisc.web.grants.actions.obligations import do_waive_final_report
from aisc.web.grants.actions.outputs import (
    do_add_output,
    do_import_publications,
    do_update_output,
    do_withdraw_output,
)
from aisc.web.grants.actions.reports import do_accept_report, do_return_report, do_submit_report
from aisc.web.grants.actions.review import (
    do_assign_reviewer,
    do_declare_conflict,
    do_screen,
    do_submit_review,
)
from aisc.web.grants.actions.schemes import do_create_scheme, do_update_scheme
from aisc.web.grants.actions.starter import (
    StarterRequest,
    do_apply_starter,
    do_create_starter_programme,
)
from aisc.web.grants.actions.survey import do_answer_survey, do_send_survey_reminders

__all__ = [
    "DecisionInput",
    "StarterRequest",
    "do_accept_report",
    "do_add_output",
    "do_agree_kpi",
    "do_answer_survey",
    "do_apply_starter",
    "do_assign_reviewer",
    "do_cancel_award",
    "do_check_declaration",
    "do_check_overlap",
    "do_close_call",
    "do_create_application",
    "do_create_call",
    "do_create_scheme",
    "do_create_starter_programme",
    "do_decide",
    "do_declare_conflict",
    "do_declare_funding",
    "do_delete_document",
    "do_download_document",
    "do_import_publications",
    "do_open_call",
    "do_publish_results",
    "do_release_due_tranches",
    "do_replace_document",
    "do_report_kpi",
    "do_return_report",
    "do_save_related_group",
    "do_screen",
    "do_send_survey_reminders",
    "do_set_call_criteria",
    "do_submit_application",
    "do_submit_report",
    "do_submit_review",
    "do_update_application",
    "do_update_output",
    "do_update_scheme",
    "do_upload_document",
    "do_waive_final_report",
    "do_withdraw_application",
    "do_withdraw_output",
]
