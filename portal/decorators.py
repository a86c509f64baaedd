"""Who may see a view: one decorator per role, used by every app."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(test):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


seeker_required = role_required(lambda user: user.is_seeker and hasattr(user, "person"))
employer_required = role_required(lambda user: user.is_employer_staff)
verified_employer_required = role_required(
    lambda user: user.is_employer_staff and user.employer.is_verified
)
# People applying for themselves and employer staff applying for their employer.
applicant_required = role_required(
    lambda user: (user.is_seeker and hasattr(user, "person")) or user.is_employer_staff
)
staff_required = role_required(
    lambda user: user.is_administrator or user.is_caseworker or user.is_leader
)
# The statistics: leaders (of their own area), city (or province) caseworkers,
# administrators.
statistics_required = role_required(
    lambda user: (
        user.is_administrator
        or (user.is_leader and user.org_unit_id is not None)
        or (user.is_caseworker and user.org_unit.is_at_least("city"))
    )
)
