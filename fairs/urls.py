from django.urls import path

from fairs import views

app_name = "fairs"

urlpatterns = [
    path("", views.fair_list, name="fair_list"),
    path("<int:pk>/", views.fair_detail, name="fair_detail"),
    path("<int:pk>/book/<int:booth_pk>/", views.booking_new, name="booking_new"),
    path("<int:pk>/attend/", views.pass_register, name="pass_register"),
    path("passes/<uuid:code>/", views.pass_detail, name="pass_detail"),
    path("gate/", views.gate_home, name="gate_home"),
    path("<int:pk>/gate/", views.gate_scanner, name="gate_scanner"),
    path("<int:pk>/figures/", views.fair_figures, name="fair_figures"),
    path("points/", views.points_history, name="points_history"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<uuid:code>/", views.booking_detail, name="booking_detail"),
    path("bookings/<uuid:code>/pdf/", views.booking_pdf, name="booking_pdf"),
    path(
        "bookings/<uuid:code>/visitors/",
        views.booking_visitors,
        name="booking_visitors",
    ),
    path("booths/<uuid:code>/", views.booth_page, name="booth_page"),
    path("booths/<uuid:code>/remote/", views.remote_queue, name="remote_queue"),
    path(
        "visits/<int:pk>/intention/",
        views.visit_intention,
        name="visit_intention",
    ),
    path("bookings/<uuid:code>/cancel/", views.booking_cancel, name="booking_cancel"),
]
