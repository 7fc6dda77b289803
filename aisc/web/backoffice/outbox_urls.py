from django.urls import path

from aisc.web.backoffice import outbox_views as views

app_name = "outbox"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:message_id>/retry", views.retry, name="retry"),
    path("<int:message_id>/discard", views.discard, name="discard"),
]
