import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from subsidies.models import PolicyVersion, SubsidyType


def test_the_catalogue_holds_the_common_types(db):
    codes = set(SubsidyType.objects.values_list("code", flat=True))
    assert {"training", "skill-upgrade", "social-insurance-difficulty",
            "social-insurance-graduate", "public-welfare-post", "internship",
            "job-search", "start-up", "job-stabilisation"} <= codes  # fmt: skip
    training = SubsidyType.objects.get(code="training")
    assert training.same_item.filter(code="skill-upgrade").exists()
    assert training.fund != SubsidyType.objects.get(code="skill-upgrade").fund


def test_the_version_in_force_follows_the_dates(db):
    subsidy = SubsidyType.objects.get(code="job-search")
    first = subsidy.version_on(datetime.date(2025, 6, 1))
    first.effective_to = datetime.date(2026, 6, 30)
    first.save()
    newer = PolicyVersion.objects.create(
        subsidy_type=subsidy,
        label="财社〔2026〕1号",
        effective_from=datetime.date(2026, 7, 1),
        who_qualifies="x",
        amount_rule="fixed",
        amount=1500,
        steps=["city"],
    )
    assert subsidy.version_on(datetime.date(2026, 6, 30)) == first
    assert subsidy.version_on(datetime.date(2026, 7, 1)) == newer


def test_versions_of_one_type_cannot_overlap(db):
    subsidy = SubsidyType.objects.get(code="job-search")
    overlapping = PolicyVersion(
        subsidy_type=subsidy,
        label="重叠",
        effective_from=datetime.date(2025, 1, 1),
        who_qualifies="x",
        amount_rule="fixed",
        amount=1,
        steps=["city"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()


def test_policy_pages_say_who_how_much_and_how_long(client, db):
    listing = client.get(reverse("subsidies:subsidy_list"))
    assert "一次性求职创业补贴" in listing.text
    page = client.get(reverse("subsidies:subsidy_detail", args=["training"]))
    assert "五级 1200、四级 1600、三级 2000" in page.text and "示例" in page.text
    assert "技能提升补贴" in page.text  # cannot be combined with
    insurance = client.get(
        reverse("subsidies:subsidy_detail", args=["social-insurance-difficulty"])
    )
    assert "36" in insurance.text and "66.67%" in insurance.text


def test_only_city_staff_edit_the_catalogue(client, caseworker, city_caseworker):
    subsidy = SubsidyType.objects.get(code="job-search")
    url = reverse("admin:subsidies_subsidytype_change", args=[subsidy.pk])
    client.force_login(caseworker)
    assert "_save" not in client.get(url).text
    client.force_login(city_caseworker)
    assert "_save" in client.get(url).text


def test_a_seeker_sees_which_conditions_their_records_meet(
    client, seeker, caseworker, foshan
):
    from tests import factories

    url = reverse("subsidies:subsidy_detail", args=["social-insurance-difficulty"])
    client.force_login(seeker)
    page = client.get(url)
    assert [check.met for check in page.context["checks"]] == [False, False]
    from registration import services as registration
    from registration.models import EmploymentRegistration

    registration.register_self_employment(
        EmploymentRegistration(
            person=seeker.person, kind="flexible", source="self",
            business_name="外卖骑手", start_date=datetime.date(2025, 12, 1),
        ),
        by=seeker,
    )  # fmt: skip
    page = client.get(url)
    assert [check.met for check in page.context["checks"]] == [False, True]
    assert "外卖骑手" not in page.text  # reasons say what, not more than needed
    factories.make_graduate(seeker.person)
    graduate_page = client.get(
        reverse("subsidies:subsidy_detail", args=["social-insurance-graduate"])
    )
    assert all(check.met for check in graduate_page.context["checks"])


def test_employers_and_visitors_see_no_personal_checks(client, employer, db):
    url = reverse("subsidies:subsidy_detail", args=["job-search"])
    assert client.get(url).context["checks"] is None
    client.force_login(employer)
    assert client.get(url).context["checks"] is None


def change_form_as_posted(page) -> dict:
    """The change page's form and inline forms as the browser would post them,
    values unchanged."""

    def values(form):
        data = {}
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                value = [getattr(item, "pk", item) for item in value]
            data[form.add_prefix(name)] = "on" if value is True else value
        return data

    data = values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in inline.formset.forms:
            data.update(values(form))
    return data


def test_a_type_saves_unchanged_and_its_versions_may_not_overlap(
    client, city_caseworker
):
    """Other types' versions in force on the same days do not stop a save (every
    seeded version starts on the same day); a new version overlapping this type's
    own, stored or entered beside it, is a form error, not a server error."""
    subsidy = SubsidyType.objects.get(code="job-search")
    url = reverse("admin:subsidies_subsidytype_change", args=[subsidy.pk])
    client.force_login(city_caseworker)
    data = change_form_as_posted(client.get(url))
    assert client.post(url, data).status_code == 302

    def version(number, start, end=""):
        """A copy of the stored version as form `number`, in force from `start`."""
        copy = {
            name.replace("versions-0-", f"versions-{number}-"): value
            for name, value in data.items()
            if name.startswith("versions-0-")
            and not name.endswith(("-id", "-subsidy_type"))
        }
        return copy | {f"versions-{number}-label": f"第{number}版",
                       f"versions-{number}-effective_from": start,
                       f"versions-{number}-effective_to": end}  # fmt: skip

    start = subsidy.versions.get().effective_from
    later = start.replace(year=start.year + 5)
    ends = {"versions-0-effective_to": later - datetime.timedelta(days=1)}

    def post(*versions, **changes):
        forms = {"versions-TOTAL_FORMS": str(1 + len(versions))}
        for form in versions:
            forms |= form
        return client.post(url, {**data, **changes, **forms})

    assert post(version(1, later)).status_code == 200  # the stored one is open
    assert post(version(1, later), version(2, later), **ends).status_code == 200
    assert subsidy.versions.count() == 1
    after = later.replace(year=later.year + 1)
    saved = post(version(1, later, after - datetime.timedelta(days=1)),
                 version(2, after), **ends)  # fmt: skip
    assert saved.status_code == 302
    assert subsidy.versions.count() == 3

    # The day one version ends and the next starts, moved in one submit:
    # saved one by one (newest first), the next overlaps the stored one a moment.
    data = change_form_as_posted(client.get(url))
    moved = after - datetime.timedelta(days=30)
    rows = {data[f"versions-{n}-id"]: n for n in range(3)}
    middle = rows[subsidy.versions.get(effective_from=later).pk]
    last = rows[subsidy.versions.get(effective_from=after).pk]
    moving = {f"versions-{middle}-effective_to": moved - datetime.timedelta(days=1),
              f"versions-{last}-effective_from": moved}  # fmt: skip
    assert client.post(url, {**data, **moving}).status_code == 302
    assert subsidy.versions.get(effective_from=moved).effective_to is None
