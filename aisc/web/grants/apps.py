from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "aisc.web.grants"
    label = "grants"
    verbose_name = "Grants (AI Subsidy Scheme)"

    def ready(self) -> None:
        # Rules and outbox handlers register themselves on import.
        from aisc.web import worker_tasks
        from aisc.web.audit import events as audit_events
        from aisc.web.grants import grantee_page, notifications, rules  # noqa: F401
        from aisc.web.grants.actions import awards, survey

        audit_events.recorded.subscribe("grants", grantee_page.on_recorded)

        worker_tasks.register(
            awards.RELEASE_TASK, awards.RELEASE_EVERY_SECONDS, awards.do_release_due_tranches
        )
        worker_tasks.register(
            survey.SURVEY_TASK, survey.SURVEY_EVERY_SECONDS, survey.do_send_survey_reminders
        )
