"""Root URLs: the core's pages, each app under its own prefix, the back office."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portal.urls")),
    path("jobs/", include("jobs.urls")),
    path("registration/", include("registration.urls")),
    path("graduates/", include("graduates.urls")),
    path("fairs/", include("fairs.urls")),
    path("policies/", include("subsidies.urls")),
    path("stats/", include("stats.urls")),
    path("admin/", admin.site.urls),
]
