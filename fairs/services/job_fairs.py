"""Job fairs and their booth layouts, drawn and published by caseworkers."""

from django.db import transaction
from django.utils.translation import gettext as _

from fairs.errors import FairError
from fairs.models import AISLE, Booth, JobFair
from portal.audit import audit, save_with_audit
from portal.models import User


def layout_problems(layout: str) -> list[str]:
    """What is wrong with a booth layout (see JobFair.layout), in words."""
    rows = [line.strip() for line in layout.splitlines() if line.strip()]
    if not rows:
        return [_("Draw at least one row of booths.")]
    problems = []
    if any(not (cell == AISLE or cell.isalpha()) for row in rows for cell in row):
        problems.append(_("Use zone letters for booths and dots for aisles only."))
    if all(cell == AISLE for row in rows for cell in row):
        problems.append(_("The layout has no booth."))
    if max(len(row) for row in rows) > 40 or len(rows) > 40:
        problems.append(_("At most 40 rows and 40 columns."))
    return problems


@transaction.atomic
def save_fair(
    fair: JobFair, *, by: User, changed_fields: list[str] | None = None
) -> JobFair:
    """Create or edit a fair (only `changed_fields` of an existing one, all fields
    when not given); its booths follow the layout while nobody has booked."""
    if changed_fields is None:
        changed_fields = [
            f.name
            for f in JobFair._meta.concrete_fields
            if f.editable and not f.primary_key
        ]
    save_with_audit(fair, by=by, fields=changed_fields, action="fairs.fair")
    has_bookings = fair.bookings.exists()
    numbers = {}
    cells = []
    for row, line in enumerate(fair.grid(), start=1):
        for column, cell in enumerate(line, start=1):
            if cell == AISLE:
                continue
            zone = cell.upper()
            numbers[zone] = numbers.get(zone, 0) + 1
            cells.append((f"{zone}{numbers[zone]:02d}", zone, row, column))
    current = list(fair.booths.values_list("number", "zone", "row", "column"))
    if sorted(current) != sorted(cells):
        if has_bookings:
            raise FairError(_("Booths are booked: the layout can no longer change."))
        fair.booths.all().delete()
        Booth.objects.bulk_create(
            Booth(fair=fair, number=number, zone=zone, row=row, column=column)
            for number, zone, row, column in cells
        )
        audit(by, "fairs.fair.booths_drawn", fair, {"booths": len(cells)})
    return fair


@transaction.atomic
def publish_fair(fair: JobFair, *, by: User) -> JobFair:
    fair = JobFair.objects.select_for_update().get(pk=fair.pk)
    if fair.status != JobFair.Status.DRAFT:
        raise FairError(_("%(fair)s: only a draft can be published.") % {"fair": fair})
    if not fair.booths.exists():
        raise FairError(_("%(fair)s: draw the booth layout first.") % {"fair": fair})
    fair.status = JobFair.Status.PUBLISHED
    fair.save(update_fields=["status", "updated_at"])
    audit(by, "fairs.fair.published", fair)
    return fair
