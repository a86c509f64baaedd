from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/apply/", views.job_apply, name="job_apply"),
    path("<int:pk>/favourite/", views.job_favourite, name="job_favourite"),
    path("map/", views.job_map, name="job_map"),
    path("map.geojson", views.job_map_geojson, name="job_map_geojson"),
    # Seekers
    path("resume/", views.resume_edit, name="resume_edit"),
    path("resume/pdf/", views.resume_pdf, name="resume_pdf"),
    path("for-me/", views.jobs_for_me, name="jobs_for_me"),
    path("r/<str:token>/", views.resume_shared, name="resume_shared"),
    path("applications/", views.application_list, name="application_list"),
    path(
        "applications/<uuid:code>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("favourites/", views.favourite_posting_list, name="favourite_posting_list"),
    # Resumes, for their owner and for employers
    path("resumes/", views.resume_search, name="resume_search"),
    path(
        "resumes/favourites/", views.favourite_resume_list, name="favourite_resume_list"
    ),
    path("resumes/<uuid:code>/", views.resume_detail, name="resume_detail"),
    path(
        "resumes/<uuid:code>/favourite/",
        views.resume_favourite,
        name="resume_favourite",
    ),
    # Interview invitations, for both sides
    path(
        "resumes/<uuid:code>/invite/", views.invitation_create, name="invitation_create"
    ),
    path("interviews/", views.invitation_list, name="invitation_list"),
    path("interviews/<uuid:code>/", views.invitation_detail, name="invitation_detail"),
    path(
        "interviews/<uuid:code>/<slug:action>/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    # Video interviews, for the room's members
    path("video/<uuid:code>/", views.video_room, name="video_room"),
    path("video/<uuid:code>/join/", views.video_join, name="video_join"),
    path("video/<uuid:code>/poll/", views.video_poll, name="video_poll"),
    path("video/<uuid:code>/signal/", views.video_signal, name="video_signal"),
    path("video/<uuid:code>/leave/", views.video_leave, name="video_leave"),
    path("video/<uuid:code>/outcome/", views.video_outcome, name="video_outcome"),
    path("video/<uuid:code>/rate/", views.video_rate, name="video_rate"),
    # Employers
    path("mine/", views.employer_job_list, name="employer_job_list"),
    path("mine/new/", views.job_create, name="job_create"),
    path("mine/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path(
        "mine/<int:pk>/applicants/", views.posting_applicants, name="posting_applicants"
    ),
    path(
        "mine/<int:pk>/candidates/", views.posting_candidates, name="posting_candidates"
    ),
    path(
        "mine/applications/<uuid:code>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "mine/applications/<uuid:code>/move/",
        views.application_move,
        name="application_move",
    ),
    path(
        "mine/<int:pk>/<slug:action>/",
        views.job_change_status,
        name="job_change_status",
    ),
]
