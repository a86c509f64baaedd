from jobs.views.applications import (
    application_detail,
    application_list,
    application_move,
    application_withdraw,
    favourite_posting_list,
    job_apply,
    job_favourite,
    posting_applicants,
)
from jobs.views.interviews import (
    invitation_create,
    invitation_detail,
    invitation_list,
    invitation_respond,
)
from jobs.views.matches import jobs_for_me, posting_candidates
from jobs.views.postings import (
    employer_job_list,
    job_change_status,
    job_create,
    job_detail,
    job_edit,
    job_list,
    job_map,
    job_map_geojson,
)
from jobs.views.resumes import (
    favourite_resume_list,
    resume_detail,
    resume_edit,
    resume_favourite,
    resume_search,
)

__all__ = [
    "application_detail",
    "application_list",
    "application_move",
    "application_withdraw",
    "employer_job_list",
    "favourite_posting_list",
    "favourite_resume_list",
    "invitation_create",
    "invitation_detail",
    "invitation_list",
    "invitation_respond",
    "job_apply",
    "job_change_status",
    "job_create",
    "job_detail",
    "job_edit",
    "job_favourite",
    "job_list",
    "job_map",
    "job_map_geojson",
    "jobs_for_me",
    "posting_candidates",
    "posting_applicants",
    "resume_detail",
    "resume_edit",
    "resume_favourite",
    "resume_search",
]
