"""Every write in the jobs app, with audit and notifications. One module per area;
callers use `from jobs import services` and `services.<name>`."""

from jobs.errors import JobError
from jobs.services.applications import (
    apply_to_posting,
    mark_application_viewed,
    move_application,
    save_resume,
    set_application_status,
    toggle_favourite_posting,
    toggle_favourite_resume,
    withdraw_application,
)
from jobs.services.interviews import (
    accept_invitation,
    accept_proposed_time,
    cancel_invitation,
    decline_invitation,
    invite_to_interview,
    propose_interview_time,
    reschedule_invitation,
    send_interview_reminders,
)
from jobs.services.listings import list_posting, rebuild_listings
from jobs.services.matches import (
    plan_match_push,
    push_match_chunk,
    push_new_matches,
    resume_match_pushes,
    start_match_push,
)
from jobs.services.postings import (
    approve_posting,
    close_posting,
    expire_postings,
    pause_posting,
    reject_posting,
    renew_posting,
    resume_posting,
    save_posting,
)
from jobs.services.video import (
    enter_video_room,
    leave_video_room,
    open_walk_in_room,
    poll_video_room,
    rate_video_call,
    record_video_outcome,
    send_video_signal,
)

__all__ = [
    "JobError",
    "accept_invitation",
    "accept_proposed_time",
    "apply_to_posting",
    "approve_posting",
    "cancel_invitation",
    "close_posting",
    "decline_invitation",
    "expire_postings",
    "invite_to_interview",
    "mark_application_viewed",
    "move_application",
    "pause_posting",
    "propose_interview_time",
    "push_new_matches",
    "plan_match_push",
    "push_match_chunk",
    "resume_match_pushes",
    "start_match_push",
    "reject_posting",
    "renew_posting",
    "reschedule_invitation",
    "resume_posting",
    "save_posting",
    "save_resume",
    "send_interview_reminders",
    "set_application_status",
    "toggle_favourite_posting",
    "toggle_favourite_resume",
    "withdraw_application",
    "enter_video_room",
    "leave_video_room",
    "open_walk_in_room",
    "poll_video_room",
    "rate_video_call",
    "record_video_outcome",
    "send_video_signal",
    "list_posting",
    "rebuild_listings",
]
