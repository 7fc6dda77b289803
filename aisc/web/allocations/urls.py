from django.urls import path

from aisc.web.allocations import views

app_name = "allocations"
urlpatterns = [
    path("", views.allocation_list, name="list"),
    path("apply/", views.apply_now, name="apply"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/plan/", views.capacity_plan, name="capacity_plan"),
    path("capacity/fits/<int:application_id>/", views.capacity_fit, name="capacity_fit"),
    path("reservations/", views.reservations, name="reservations"),
    path("requests/<int:request_id>/decide/", views.decide, name="decide"),
    path("<slug:code>/", views.detail, name="detail"),
]
