from django.urls import path

from aisc.web.cluster import views

app_name = "cluster"
urlpatterns = [
    path("", views.overview, name="overview"),
]
