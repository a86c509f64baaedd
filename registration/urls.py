from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("", views.registration_home, name="registration_home"),
    path("unemployment/apply/", views.unemployment_apply, name="unemployment_apply"),
    path(
        "unemployment/<uuid:code>/",
        views.unemployment_detail,
        name="unemployment_detail",
    ),
    path(
        "unemployment/<uuid:code>/edit/",
        views.unemployment_edit,
        name="unemployment_edit",
    ),
    path(
        "unemployment/<uuid:code>/withdraw/",
        views.unemployment_withdraw,
        name="unemployment_withdraw",
    ),
    path(
        "unemployment/<uuid:code>/still-looking/",
        views.unemployment_still_looking,
        name="unemployment_still_looking",
    ),
    path("self-employment/", views.self_employment_new, name="self_employment_new"),
    path("employment/<uuid:code>/end/", views.employment_end, name="employment_end"),
    path("recognitions/apply/", views.recognition_apply, name="recognition_apply"),
    path(
        "recognitions/<uuid:code>/",
        views.recognition_detail,
        name="recognition_detail",
    ),
    path("certificate/", views.certificate_detail, name="certificate_detail"),
    path("certificate/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("verify/<uuid:code>/", views.certificate_verify, name="certificate_verify"),
    path("notices/", views.recognition_notices, name="recognition_notices"),
    # Employers
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/hire/", views.hire_new, name="hire_new"),
    path("employees/upload/", views.hire_upload, name="hire_upload"),
    path("employees/separation/", views.separation_file, name="separation_file"),
]
