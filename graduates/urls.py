from django.urls import path

from graduates import views

app_name = "graduates"

urlpatterns = [
    path("", views.graduate_home, name="graduate_home"),
    path("report/", views.graduate_report, name="graduate_report"),
    path("<uuid:code>/", views.graduate_detail, name="graduate_detail"),
    path("<uuid:code>/edit/", views.graduate_report, name="graduate_edit"),
    path("<uuid:code>/follow-up/", views.leaver_register, name="leaver_register"),
    path("<uuid:code>/found-work/", views.leaver_found_work, name="leaver_found_work"),
    path("receiving/", views.receiving_list, name="receiving_list"),
    path("flows/", views.graduate_flows, name="graduate_flows"),
]
