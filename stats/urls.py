from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("close/", views.period_close, name="period_close"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<uuid:code>/", views.report_detail, name="report_detail"),
    path(
        "reports/<uuid:code>/<str:kind>/",
        views.report_download,
        name="report_download",
    ),
]
