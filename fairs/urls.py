from django.urls import path

from fairs import views

app_name = "fairs"

urlpatterns = [
    path("", views.fair_list, name="fair_list"),
    path("<int:pk>/", views.fair_detail, name="fair_detail"),
    path("<int:pk>/book/<int:booth_pk>/", views.booking_new, name="booking_new"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<uuid:code>/", views.booking_detail, name="booking_detail"),
    path("bookings/<uuid:code>/pdf/", views.booking_pdf, name="booking_pdf"),
    path("bookings/<uuid:code>/cancel/", views.booking_cancel, name="booking_cancel"),
]
