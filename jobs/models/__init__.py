from jobs.models.applications import (
    Application,
    FavouritePosting,
    FavouriteResume,
    MatchNotice,
)
from jobs.models.history import PostingInterval, ResumeInterval
from jobs.models.interviews import (
    InterviewInvitation,
    InvitationEvent,
    people_known_to,
)
from jobs.models.listings import JobListing
from jobs.models.postings import (
    EDUCATION_ORDER,
    LONGITUDE_FACTOR,
    CjkBigrams,
    JobPosting,
    JobType,
    OccupationGroup,
    ToSimpleTsvector,
    default_valid_until,
)
from jobs.models.pushes import MatchPush, MatchPushChunk, MatchPushEntry
from jobs.models.resumes import Resume, ResumeEducation, ResumeExperience
from jobs.models.video import (
    MAX_INTERVIEWERS,
    VideoPresence,
    VideoRoom,
    VideoSignal,
    ice_servers,
)

__all__ = [
    "EDUCATION_ORDER",
    "LONGITUDE_FACTOR",
    "MatchNotice",
    "PostingInterval",
    "ResumeInterval",
    "Application",
    "CjkBigrams",
    "FavouritePosting",
    "FavouriteResume",
    "InterviewInvitation",
    "InvitationEvent",
    "JobPosting",
    "JobType",
    "OccupationGroup",
    "Resume",
    "ResumeEducation",
    "ResumeExperience",
    "ToSimpleTsvector",
    "default_valid_until",
    "people_known_to",
    "MAX_INTERVIEWERS",
    "VideoPresence",
    "VideoRoom",
    "VideoSignal",
    "ice_servers",
    "MatchPush",
    "MatchPushChunk",
    "MatchPushEntry",
    "JobListing",
]
