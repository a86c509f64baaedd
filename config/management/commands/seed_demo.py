"""Demo data for `make run`: each app seeds its own part, in dependency order, on
top of the roles and the initial catalogue (setup_roles and setup_catalogue, run
first so that a bare `migrate` suffices, as in bench/). Besides the personas the
README names, the demo city has two years of history: seekers, postings (as many
vacancies as stats/demo.py asks of each district and month), registrations,
graduates, fairs and subsidies, and the figures of every month, quarter and year.

`seed_demo --city jiangmen` adds a second city, 江门市, with the same kinds of
records in its own districts, streets and communities (about half as many: its
size next to Foshan's), and the province 广东省 above both cities, whose staff see
each. The video interviews, the recruiting hall, the graduates' records and the
subsidy applications stay Foshan's. The second city sets some rules of its own
(docs/rules-per-city.md): its graduate cohort targets, a warning threshold and
one subsidy offered only there.

Idempotent: every app looks its records up by their natural keys first, so running it
again changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from fairs.demo import seed_fairs, seed_hall, seed_hall_invitations
from graduates.demo import seed_city_targets, seed_graduates
from jobs.demo import (
    seed_applications,
    seed_missing_intervals,
    seed_postings,
    seed_resume_history,
    seed_resumes,
    seed_video_interviews,
)
from portal.demo import DEMO_CITIES, DEMO_PASSWORD, FOSHAN, DemoCity, seed_core
from portal.models import Employer, OrgUnit
from registration.demo import seed_registration_history, seed_registrations
from stats.demo import (
    demand_targets,
    seed_city_warning_rules,
    seed_employed_population,
    seed_facts,
)
from subsidies.demo import seed_applications as seed_subsidy_applications
from subsidies.demo import seed_city_catalogue


class Command(BaseCommand):
    help = "Load the Foshan demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--city",
            choices=list(DEMO_CITIES),
            default=FOSHAN.slug,
            help="the demo city to add (any but foshan adds the province too)",
        )

    @transaction.atomic
    def handle(self, *args, city, **options):
        today = timezone.localdate()
        demo = DEMO_CITIES[city]
        if demo.is_first:
            employers, seekers = self.seed(today)
        else:
            if not OrgUnit.objects.filter(code=FOSHAN.code).exists():
                # Foshan seeded afterwards would sit beside the province as a
                # second top unit, its staff seeing every city's area-wide pages.
                raise CommandError(
                    "Seed the first demo city first: manage.py seed_demo"
                )
            employers, seekers = self.seed_city(today, demo)
        seed_facts(today, demo)
        self.print_logins(employers[0], seekers[0], demo)

    def seed_city(self, today, demo: DemoCity):
        """A further city: its people, employers, postings, registrations and
        fairs, with their history and the city's figures."""
        call_command("setup_roles", verbosity=0)
        call_command("setup_catalogue", verbosity=0)
        employers, seekers = seed_core(demo)
        verified = self.verified(employers)
        resumes = seed_resumes(seekers)
        spans = seed_resume_history(today, demo)
        seed_registrations(seekers, verified, demo)
        seed_registration_history(spans, verified, demo)
        seed_postings(verified, demand_targets(today))
        seed_applications(resumes)
        seed_fairs(verified, demo)
        seed_missing_intervals()
        seed_employed_population(today, demo)
        # Rules of its own where they differ from the province's common ones.
        seed_city_targets(today, demo)
        seed_city_warning_rules(demo)
        seed_city_catalogue(demo)
        return employers, seekers

    def verified(self, employers):
        verified = Employer.objects.verified().select_related("org_unit")
        verified = verified.in_bulk([e.pk for e in employers])
        return [verified[e.pk] for e in employers if e.pk in verified]

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

    def print_logins(self, employer, seeker, demo):
        if demo.is_first:
            rows = [
                ("administrator", "admin"),
                ("city caseworker", "cw_city"),
                ("city reviewer", "cw_city_review"),
                ("city approver", "cw_city_approve"),
                ("district caseworker (禅城区)", "cw_chancheng"),
                ("street caseworker (祖庙街道)", "cw_chancheng_zumiao"),
                ("leader", "leader"),
                ("gate steward", "gate"),
            ]
        else:
            district = demo.districts[0]
            rows = [
                ("province caseworker", "cw_province"),
                ("province leader", "leader_province"),
                (f"city caseworker ({demo.name})", demo.login("cw")),
                (f"district caseworker ({district[1]})", f"cw_{district[2]}"),
                (f"leader ({demo.name})", demo.login("leader")),
                (f"gate steward ({demo.name})", demo.login("gate")),
            ]
        rows += [("employer staff", employer.uscc), ("job seeker", seeker.id_number)]
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, username in rows:
            self.stdout.write(f"  {role:<30} {username}")
