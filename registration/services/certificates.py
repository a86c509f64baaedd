"""The employment certificate (就业创业证): issued free, once per person."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.audit import audit
from portal.models import OrgUnit, Person, User
from registration.models import EmploymentCertificate

HUKOU_DIGIT = {"urban": "1", "rural": "2"}


def certificate_number(unit: OrgUnit, person: Person, serial: int, year: int) -> str:
    """The 16-digit layout several provinces use: county code, hukou type, check
    digit, year, serial (docs/registration.md, "Employment certificate").
    Stored as text; other layouts fit too."""
    county = unit.code[:6]
    body = f"{county}{HUKOU_DIGIT.get(person.hukou_type, '9')}{year % 100:02d}"
    body += f"{serial % 1_000_000:06d}"
    check = sum(int(digit) * (index % 7 + 2) for index, digit in enumerate(body)) % 10
    return f"{body[:7]}{check}{body[7:]}"


def issue_certificate(
    person: Person, *, by: User | None, unit: OrgUnit
) -> EmploymentCertificate:
    """Give the person their certificate, or return the one they already hold.

    Called when a registration or recognition is accepted; concurrent calls for the
    same person end with the one certificate (the one-to-one key decides).
    """
    existing = EmploymentCertificate.objects.filter(person=person).first()
    if existing is not None:
        return existing
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('registration_certificate_serial')")
        serial = cursor.fetchone()[0]
    today = timezone.localdate()
    certificate = EmploymentCertificate(
        person=person,
        number=certificate_number(unit, person, serial, today.year),
        issued_on=today,
        issued_by=unit,
        issued_by_user=by if by is not None and by.is_staff else None,
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        return EmploymentCertificate.objects.get(person=person)
    audit(by, "registration.certificate.issued", certificate)
    return certificate
