from django.shortcuts import get_object_or_404, render

from jobs import matching
from jobs.models import JobPosting, Resume
from portal.decorators import employer_required, seeker_required


@seeker_required
def jobs_for_me(request):
    resume = (
        Resume.objects.filter(person=request.user.person)
        .select_related("person__residence")
        .first()
    )
    matches = []
    if resume is not None:
        matches = [
            (posting, matching.reasons(posting))
            for posting in matching.postings_for(resume, limit=30)
        ]
    return render(
        request, "jobs/jobs_for_me.html", {"resume": resume, "matches": matches}
    )


@employer_required
def posting_candidates(request, pk):
    posting = get_object_or_404(
        JobPosting.objects.for_user(request.user).select_related("org_unit"), pk=pk
    )
    matches = [
        (resume, matching.reasons(resume))
        for resume in matching.resumes_for(posting, limit=30)
    ]
    invited = set(
        posting.invitations.filter(
            status__in=["sent", "proposed", "accepted"]
        ).values_list("person_id", flat=True)
    )
    context = {"posting": posting, "matches": matches, "invited": invited}
    return render(request, "jobs/posting_candidates.html", context)
