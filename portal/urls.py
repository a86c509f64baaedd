"""The core's pages: home, sign-up, workspace, notifications, accounts, health."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views
from portal.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services_hall, name="services_hall"),
    path("map/districts.geojson", views.map_outlines, name="map_outlines"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path(
        "employers/<int:pk>/licence/", views.employer_licence, name="employer_licence"
    ),
    path("signup/", views.signup, name="signup"),
    path("signup/seeker/", views.signup_seeker, name="signup_seeker"),
    path("signup/seeker/<uuid:code>/", views.signup_confirm, name="signup_confirm"),
    path("signup/activate/", views.signup_activate, name="signup_activate"),
    path("signup/employer/", views.signup_employer, name="signup_employer"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/profile/", views.profile_edit, name="profile_edit"),
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            # Links in e-mails name our site, whatever Host header the request had.
            extra_email_context={
                "domain": urlsplit(settings.SITE_URL).netloc,
                "protocol": urlsplit(settings.SITE_URL).scheme,
            }
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
]
