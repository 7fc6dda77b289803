from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "aisc.web.billing"
    label = "billing"
    verbose_name = "Usage and billing"

    def ready(self) -> None:
        from django.conf import settings

        from aisc.web import worker_tasks
        from aisc.web.allocations import events as allocation_events
        from aisc.web.allocations import usage as allocation_usage
        from aisc.web.billing import (
            report_mail,
            rules,  # noqa: F401 - registers the rules
        )
        from aisc.web.billing.ingest import metered, periodic, sources
        from aisc.web.billing.ledger import expiry, fund
        from aisc.web.grants import events

        events.award_approved.subscribe(self.label, fund.on_award_approved)
        events.award_cancelled.subscribe(self.label, fund.on_award_cancelled)
        allocation_events.credit_expired.subscribe(self.label, expiry.on_credit_expired)
        allocation_usage.used_gpu_hours.provide(self.label, metered.used_gpu_hours)
        allocation_usage.used_gpu_hours_of.provide(self.label, metered.used_gpu_hours_of)
        allocation_usage.gpu_seconds_used.provide(self.label, metered.gpu_seconds_used)
        allocation_usage.metered_jobs.provide(self.label, metered.metered_jobs)

        worker_tasks.register("cluster.advance", sources.ADVANCE_SECONDS, sources.advance_and_meter)
        worker_tasks.register(
            periodic.TASK, settings.AISC_USAGE_INGEST_MINUTES * 60, periodic.ingest_due
        )
        worker_tasks.register(report_mail.TASK, report_mail.EVERY_SECONDS, report_mail.send_due)
