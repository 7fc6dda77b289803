from django.urls import path

from aisc.web.queues import views

app_name = "queues"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
