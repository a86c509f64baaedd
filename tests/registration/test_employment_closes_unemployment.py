import datetime

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from portal.models import AuditEntry, Notification
from registration import services
from registration.models import InsuranceImport
from tests import factories


def test_an_imported_and_a_filed_employment_close_the_unemployment_alike(
    foshan, caseworker, city_caseworker, employer, django_capture_on_commit_callbacks
):
    """Employment closes the unemployment registration by one rule, whether the
    social-insurance import or the employer's filing registers it."""
    today = timezone.localdate()
    registered = today - datetime.timedelta(days=60)
    start = today - datetime.timedelta(days=20)  # after the registration day
    imported, filed = (
        factories.make_seeker(residence=foshan["chancheng_community"], name=name)
        for name in ("陈一", "林二")
    )
    with time_machine.travel(datetime.datetime.combine(registered, datetime.time(10))):
        unemployment = {
            user: factories.make_unemployment(
                user.person,
                by=caseworker,
                unemployed_since=registered - datetime.timedelta(days=30),
            )
            for user in (imported, filed)
        }
    earlier_messages = list(Notification.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        insurance_import = InsuranceImport(requested_by=city_caseworker)
        insurance_import.file.save(
            "enrolments.csv",
            ContentFile(
                "id_number,uscc,start_date,end_date,insurance_type\n"
                f"{imported.person.id_number},{employer.employer.uscc},{start},,110\n"
            ),
        )
        services.run_insurance_import(insurance_import)
    with django_capture_on_commit_callbacks(execute=True):
        factories.file_hire(employer, filed.person, start)

    def outcome(user):
        registration = unemployment[user]
        registration.refresh_from_db()
        url = registration.get_absolute_url()
        [message] = user.notifications.exclude(pk__in=earlier_messages)
        [entry] = AuditEntry.objects.for_object(registration).filter(
            action__startswith="registration.unemployment.cancel"
        )
        return {
            "status": registration.status,
            "cancelled_after_start": registration.cancelled_on - start,
            "reason": registration.cancellation_reason.code,
            "note": registration.cancellation_note,
            "review_due": registration.contact_review_due,
            "message": (message.subject, message.body.replace(url, "<url>")),
            "message_url": message.url == url,
            "audit": (entry.action, entry.data, entry.object_repr == str(registration)),
        }

    assert outcome(imported) == outcome(filed)
    assert outcome(filed)["status"] == "cancelled"
    # Registered as unemployed until the day the job starts.
    assert outcome(filed)["cancelled_after_start"] == datetime.timedelta(0)
    assert outcome(filed)["reason"] == "employment_registered"
    assert outcome(filed)["audit"][0] == "registration.unemployment.cancelled"
