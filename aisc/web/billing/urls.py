from django.urls import path

from aisc.web.billing import annual_views, credit_views, usage_views, views
from aisc.web.billing import receivable_views as rec
from aisc.web.billing import recovery_views as rv

app_name = "billing"
urlpatterns = [
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>.csv", views.statement_csv, name="statement-csv"),
    path("statements/<int:pk>.pdf", views.statement_pdf, name="statement-pdf"),
    path("periods/", views.period_list, name="periods"),
    path("periods/close/", views.period_close, name="period-close"),
    path("periods/<str:month>/", views.period_detail, name="period"),
    path("periods/<str:month>/export.<str:fmt>", views.period_export, name="period-export"),
    path("fund/", views.fund, name="fund"),
    path("receivables/", rec.receivables_page, name="receivables"),
    path("receivables/<int:organisation_id>/remind", rec.remind, name="receivable-remind"),
    path("statements/<int:pk>/pay", rec.pay_statement, name="statement-pay"),
    path("annual/", annual_views.annual_page, name="annual"),
    path("annual/<int:year>.pdf", annual_views.annual_pdf, name="annual-pdf"),
    path("history/", views.history, name="history"),
    path("analytics/", views.analytics, name="analytics"),
    path("awards/<int:award_id>/usage/", usage_views.award_usage_page, name="award-usage"),
    path("credit/", credit_views.credit_list, name="credit"),
    path("recoveries/", rv.recovery_list, name="recoveries"),
    path("recoveries/open", rv.open_recovery, name="recovery-open"),
    path("recoveries/<int:pk>/", rv.recovery_detail, name="recovery"),
    path("recoveries/<int:pk>/pay", rv.pay_recovery, name="recovery-pay"),
    path("recoveries/<int:pk>/write-off", rv.propose_write_off, name="recovery-write-off"),
    path("recoveries/<int:pk>/write-off/decide", rv.decide_write_off, name="recovery-decide"),
]
