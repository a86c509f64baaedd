from django.urls import path

from subsidies import views

app_name = "subsidies"

urlpatterns = [
    path("", views.subsidy_list, name="subsidy_list"),
    path("applications/", views.application_list, name="application_list"),
    path(
        "applications/<uuid:code>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<uuid:code>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<uuid:code>/resubmit/",
        views.application_resubmit,
        name="application_resubmit",
    ),
    path(
        "applications/<uuid:code>/account/",
        views.application_account,
        name="application_account",
    ),
    path(
        "applications/<uuid:code>/rate/",
        views.application_rate,
        name="application_rate",
    ),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("notice/", views.notice_list, name="notice_list"),
    path("paid/", views.paid_list, name="paid_list"),
    path("notice/<uuid:code>/objection/", views.objection_new, name="objection_new"),
    path("<slug:code>/", views.subsidy_detail, name="subsidy_detail"),
    path("<slug:code>/apply/", views.application_new, name="application_new"),
]
