"""Demo data for `make run`: each app seeds its own part, in dependency order, on
top of the roles and the initial catalogue (setup_roles and setup_catalogue, run
first so that a bare `migrate` suffices, as in bench/). Besides the personas the
README names, the demo city has two years of history: seekers, postings (as many
vacancies as stats/demo.py asks of each district and month), registrations,
graduates, fairs and subsidies, and the figures of every month, quarter and year.

Idempotent: every app looks its records up by their natural keys first, so running it
again changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from fairs.demo import seed_fairs, seed_hall, seed_hall_invitations
from graduates.demo import seed_graduates
from jobs.demo import (
    seed_applications,
    seed_missing_intervals,
    seed_postings,
    seed_resume_history,
    seed_resumes,
    seed_video_interviews,
)
from portal.demo import DEMO_PASSWORD, seed_core
from portal.models import Employer
from registration.demo import seed_registration_history, seed_registrations
from stats.demo import demand_targets, seed_employed_population, seed_facts
from subsidies.demo import seed_applications as seed_subsidy_applications


class Command(BaseCommand):
    help = "Load the Foshan demo data (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        employers, seekers = self.seed(today)
        seed_facts(today)
        self.print_logins(employers[0], seekers[0])

    def seed(self, today):
        call_command("setup_roles", verbosity=0)
        call_command("setup_catalogue", verbosity=0)
        employers, seekers = seed_core()
        verified = Employer.objects.verified().select_related("org_unit")
        verified = verified.in_bulk([e.pk for e in employers])
        verified_employers = [verified[e.pk] for e in employers if e.pk in verified]
        resumes = seed_resumes(seekers)
        spans = seed_resume_history(today)
        seed_registrations(seekers, verified_employers)
        seed_registration_history(spans, verified_employers)
        seed_postings(verified_employers, demand_targets(today))
        seed_applications(resumes)
        seed_video_interviews(employers[0], seekers[0])
        seed_graduates(seekers, verified_employers)
        seed_fairs(verified_employers)
        seed_hall(verified_employers)
        seed_hall_invitations()
        seed_subsidy_applications(verified_employers)
        seed_missing_intervals()
        seed_employed_population(today)
        return employers, seekers

    def print_logins(self, employer, seeker):
        rows = [
            ("administrator", "admin"),
            ("city caseworker", "cw_city"),
            ("city reviewer", "cw_city_review"),
            ("city approver", "cw_city_approve"),
            ("district caseworker (禅城区)", "cw_chancheng"),
            ("street caseworker (祖庙街道)", "cw_chancheng_zumiao"),
            ("leader", "leader"),
            ("gate steward", "gate"),
            ("employer staff", employer.uscc),
            ("job seeker", seeker.id_number),
        ]
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, username in rows:
            self.stdout.write(f"  {role:<30} {username}")
