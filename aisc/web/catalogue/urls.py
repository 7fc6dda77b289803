from django.urls import path

from aisc.web.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("nodes/<int:node_id>/state", views.node_state, name="node_state"),
    path("prices/", views.prices, name="prices"),
    path("chips/", views.chips, name="chips"),
    path("exchange/", views.exchange, name="exchange"),
    path("estimate/", views.estimate, name="estimate"),
]
