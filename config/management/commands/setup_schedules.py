from django.core.management.base import BaseCommand
from django.utils.translation import gettext_noop
from django_q.models import Schedule

# Every periodic task of the portal, in one place; the admin shows each name
# translated (portal/admin.py ScheduleAdmin). Times are TIME_ZONE (Asia/Shanghai).
SCHEDULES = [
    {
        "name": gettext_noop("Send text messages held back by the quiet hours"),
        "func": "portal.tasks.deliver_due_sms",
        "schedule_type": Schedule.MINUTES,
        "minutes": 5,
    },
    {
        "name": gettext_noop("Expire job postings past their date"),
        "func": "jobs.tasks.expire_postings",
        "schedule_type": Schedule.CRON,
        "cron": "5 0 * * *",
    },
    {
        "name": gettext_noop("Remind both sides of interviews in the next 24 hours"),
        "func": "jobs.tasks.send_interview_reminders",
        "schedule_type": Schedule.MINUTES,
        "minutes": 15,
    },
    {
        "name": gettext_noop("Push good new matches to seekers and employers"),
        "func": "jobs.tasks.push_new_matches",
        "schedule_type": Schedule.CRON,
        "cron": "30 7 * * *",
    },
    {
        "name": gettext_noop("Queue again the match push chunks whose worker died"),
        "func": "jobs.tasks.resume_match_pushes",
        "schedule_type": Schedule.MINUTES,
        "minutes": 15,
    },
    {
        "name": gettext_noop(
            "Flag registered unemployed people out of contact for six months"
        ),
        "func": "registration.tasks.flag_lost_contact",
        "schedule_type": Schedule.CRON,
        "cron": "15 1 * * *",
    },
    {
        "name": gettext_noop(
            "Import social-insurance enrolment files from the inbox folder"
        ),
        "func": "registration.tasks.import_inbox_files",
        "schedule_type": Schedule.CRON,
        "cron": "30 2 * * *",
    },
    {
        "name": gettext_noop(
            "Finish insurance imports whose worker died; drop their staging tables"
        ),
        "func": "registration.tasks.resume_interrupted_imports",
        "schedule_type": Schedule.MINUTES,
        "minutes": 15,
    },
    {
        "name": gettext_noop(
            "Release fair booths not signed in by the end of check-in"
        ),
        "func": "fairs.tasks.release_no_shows",
        "schedule_type": Schedule.MINUTES,
        "minutes": 15,
    },
    {
        "name": gettext_noop("Award fair points for hires through the fairs"),
        "func": "fairs.tasks.award_hiring_points",
        "schedule_type": Schedule.CRON,
        "cron": "45 1 * * *",
    },
    {
        "name": gettext_noop(
            "Tell eligible people about subsidies they have not applied for"
        ),
        "func": "subsidies.tasks.find_eligible_people",
        "schedule_type": Schedule.CRON,
        "cron": "0 9 * * *",
    },
    {
        "name": gettext_noop(
            "Tell employers about subsidies their staff make them eligible for"
        ),
        "func": "subsidies.tasks.find_eligible_employers",
        "schedule_type": Schedule.CRON,
        "cron": "10 9 * * *",
    },
    {
        "name": gettext_noop(
            "Refresh the statistics of the current and previous periods"
        ),
        "func": "stats.tasks.refresh_recent_facts",
        "schedule_type": Schedule.MINUTES,
        "minutes": 60,
    },
    {
        "name": gettext_noop(
            "Build last month's reports for the city and each district"
        ),
        "func": "stats.tasks.last_months_reports",
        "schedule_type": Schedule.CRON,
        "cron": "0 4 1 * *",
    },
    {
        "name": gettext_noop(
            "Compute job-stabilisation refunds from last year's insurance"
        ),
        "func": "subsidies.tasks.compute_refunds",
        "schedule_type": Schedule.CRON,
        "cron": "30 2 * * *",
    },
    {
        "name": gettext_noop(
            "Count the city's figures for the recruiting halls' screens"
        ),
        "func": "fairs.tasks.refresh_hall_figures",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
    {
        "name": gettext_noop(
            "Sign out the halls' desks and end kiosk sessions after closing time"
        ),
        "func": "fairs.tasks.close_halls",
        "schedule_type": Schedule.MINUTES,
        "minutes": 15,
    },
    {
        "name": gettext_noop(
            "Create the history tables' partitions ahead; drop those past retention"
        ),
        "func": "portal.tasks.maintain_partitions",
        "schedule_type": Schedule.CRON,
        "cron": "40 3 * * *",
    },
]


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules (idempotent; run on every deploy)."

    def handle(self, *args, **options):
        for entry in SCHEDULES:
            entry = dict(entry)
            name = entry.pop("name")
            Schedule.objects.update_or_create(name=name, defaults=entry)
        self.stdout.write(f"{len(SCHEDULES)} schedules in place.")
