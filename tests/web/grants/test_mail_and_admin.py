from django.test import Client

from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.models import Application
from aisc.web.notify import mailing
from aisc.web.outbox.models import OutboxMessage
from tests.fixtures.grants import attach


def test_an_applicant_who_reads_chinese_gets_the_mail_in_chinese(
    draft: Application, applicant: User, secretariat: User
) -> None:
    applicant.language = "zh-hant"
    applicant.save()
    attach(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    mail = OutboxMessage.objects.filter(kind=mailing.KIND).latest("id").payload
    assert mail["subject"] == "你的申請狀態有變"
    assert "已提交" in mail["body"]


def test_the_admin_lists_calls_applications_and_awards(reviewed: Application) -> None:
    admin = User.objects.create_superuser("root@aisc.hk", "x")
    client = Client()
    client.force_login(admin)
    for model in ("scheme", "call", "application", "award"):
        assert client.get(f"/admin/grants/{model}/").status_code == 200
    page = client.get(f"/admin/grants/application/{reviewed.pk}/change/")
    assert page.status_code == 200
    assert "Cantonese LLM" in page.content.decode()
