"""Lists from education departments, imported idempotently with per-row errors."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from graduates.models import Graduate
from graduates.services.leavers import register_leaver
from graduates.services.reports import serving_unit
from portal.audit import audit
from portal.models import OrgUnit, Person, User, scope_filter
from portal.services import default_retirement_track, save_person


@dataclass
class GraduateRow:
    """One row of an education department's list, already checked for shape."""

    line: int
    name: str
    id_number: str
    graduation_year: int
    school: str
    major: str
    degree: str
    origin_code: str
    destination: str


def _in_area(row: GraduateRow, person: Person | None, *, by: User) -> bool:
    """Whether the staff member may import this row: the person is new to the
    registry or one they can see (where they live, or a graduate record of their
    area), and the graduate will be served in their area. Decided before the name
    is compared, so a refusal says nothing about who holds an ID number."""
    if person is not None and not (
        Person.objects.for_user(by).filter(pk=person.pk).exists()
        or Graduate.objects.for_user(by).filter(person=person).exists()
    ):
        return False
    unit = serving_unit(person or Person(), row.origin_code)
    scope = scope_filter(by, "self")
    return (
        unit is not None
        and scope is not None
        and OrgUnit.objects.filter(scope, pk=unit.pk).exists()
    )


@transaction.atomic
def import_graduates(rows: list[GraduateRow], *, by: User) -> dict:
    """Add or update graduates from a list (idempotent: the same list twice changes
    nothing). People new to the registry are added; a graduate's own report is
    never overwritten; graduates listed as looking for work are registered for
    follow-up services; rows outside the importer's area are refused. Returns
    counts and the rows refused, by line."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "leavers": 0}
    refused = {}
    for row in rows:
        person = Person.objects.filter(id_number=row.id_number).first()
        if not _in_area(row, person, by=by):
            refused[row.line] = [
                _(
                    "Not imported: this graduate is not served in your area. Staff "
                    "of their area, or of the city, can import this row."
                )
            ]
            continue
        if person is not None and person.name != row.name:
            refused[row.line] = [
                _("The name does not match the ID number in the registry.")
            ]
            continue
        if person is None:
            person = save_person(
                Person(
                    name=row.name,
                    id_number=row.id_number,
                    retirement_track=default_retirement_track(row.id_number),
                ),
                by=by,
            )
        values = {
            "school": row.school,
            "major": row.major,
            "degree": row.degree,
            "origin_code": row.origin_code,
            "destination": row.destination,
        }
        graduate = Graduate.objects.filter(
            person=person, graduation_year=row.graduation_year
        ).first()
        if graduate is None:
            graduate = Graduate.objects.create(
                person=person,
                graduation_year=row.graduation_year,
                source=Graduate.Source.IMPORT,
                org_unit=serving_unit(person, row.origin_code),
                **values,
            )
            counts["created"] += 1
        elif graduate.source == Graduate.Source.IMPORT and any(
            getattr(graduate, field) != value for field, value in values.items()
        ):
            for field, value in values.items():
                setattr(graduate, field, value)
            graduate.save(update_fields=[*values, "updated_at"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        if graduate.destination == Graduate.Destination.SEEKING and not hasattr(
            graduate, "leaver"
        ):
            register_leaver(graduate, by=by, job_wishes="", service_needs=[])
            counts["leavers"] += 1
    audit(by, "graduates.graduate.imported", None, {**counts, "refused": len(refused)})
    return {**counts, "refused": refused}
