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
    path("halls/<int:pk>/screen/", views.hall_screen, name="hall_screen"),
    path("halls/<int:pk>/screen.json", views.hall_screen_data, name="hall_screen_data"),
    path(
        "halls/terminals/<int:pk>/enrol/",
        views.terminal_enrol,
        name="terminal_enrol",
    ),
    path("kiosk/", views.kiosk_home, name="kiosk_home"),
    path("kiosk/card/", views.kiosk_card, name="kiosk_card"),
    path("kiosk/code/", views.kiosk_send_code, name="kiosk_send_code"),
    path("kiosk/verify/", views.kiosk_verify, name="kiosk_verify"),
    path("kiosk/resume/", views.kiosk_resume, name="kiosk_resume"),
    path("kiosk/review/", views.kiosk_review, name="kiosk_review"),
    path("kiosk/send/", views.kiosk_send_resume, name="kiosk_send_resume"),
    path("kiosk/check-in/", views.kiosk_check_in, name="kiosk_check_in"),
    path("kiosk/jobs/", views.kiosk_jobs, name="kiosk_jobs"),
    path("kiosk/done/", views.kiosk_done, name="kiosk_done"),
    path("desk/", views.desk_home, name="desk_home"),
    path("desk/take/", views.desk_take, name="desk_take"),
    path("desk/<int:pk>/favourite/", views.desk_favourite, name="desk_favourite"),
    path("desk/<int:pk>/invite/", views.desk_invite, name="desk_invite"),
    path("desk/<int:pk>/outcome/", views.desk_outcome, name="desk_outcome"),
]
