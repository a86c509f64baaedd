from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("map/", views.job_map, name="job_map"),
    path("map.geojson", views.job_map_geojson, name="job_map_geojson"),
    path("mine/", views.employer_job_list, name="employer_job_list"),
    path("mine/new/", views.job_create, name="job_create"),
    path("mine/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path(
        "mine/<int:pk>/<slug:action>/",
        views.job_change_status,
        name="job_change_status",
    ),
]
