from django.urls import path

from aisc.web.accounts import audit_views as views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="list")]
