"""The subsidy catalogue per city: a type without a city is offered everywhere; a
city's own type only to its residents and employers (listed, applied for, told
about). A city's staff keep only their own city's types and their versions."""

import datetime

import pytest
from django.urls import reverse

from portal.models import AuditEntry
from subsidies import services
from subsidies.models import Application, PolicyVersion, SubsidyType
from tests import factories


@pytest.fixture
def staff(province):
    return {
        name: factories.make_staff("caseworker", org_unit=province[name])
        for name in ("province", "city", "zhaoqing", "duanzhou")
    }


def version_of(subsidy, **values):
    fields = {"label": "肇人社〔2026〕1号", "effective_from": datetime.date(2026, 1, 1),
              "who_qualifies": "在肇庆市登记失业的人员", "amount_rule": "fixed",
              "amount": 800, "steps": ["city"], **values}  # fmt: skip
    return PolicyVersion(subsidy_type=subsidy, **fields)


@pytest.fixture
def zhaoqing_type(province, staff):
    by = staff["zhaoqing"]
    subsidy = services.save_catalogue_entry(
        SubsidyType(
            city=province["zhaoqing"], code="zhaoqing-restart", name="肇庆再就业补贴",
            applicant="person", fund="employment", summary="在肇庆市登记失业的人员",
        ),
        by=by, changed_fields=[],
    )  # fmt: skip
    services.save_catalogue_entry(
        version_of(subsidy, eligibility=["registered_unemployed"]),
        by=by,
        changed_fields=[],
    )
    return subsidy


@pytest.fixture
def seekers(province, staff):
    """A registered unemployed seeker in each city."""
    found = {}
    places = {"foshan": ("chancheng_community", "chancheng"),
              "zhaoqing": ("duanzhou_community", "duanzhou")}  # fmt: skip
    for city, (unit, district) in places.items():
        seeker = factories.make_seeker(residence=province[unit])
        by = factories.make_staff("caseworker", org_unit=province[district])
        factories.make_unemployment(seeker.person, by=by)
        found[city] = seeker
    return found


def test_only_the_citys_residents_are_offered_its_own_subsidy(
    client, zhaoqing_type, seekers
):
    listing = reverse("subsidies:subsidy_list")
    page = reverse("subsidies:subsidy_detail", args=[zhaoqing_type.code])
    new = reverse("subsidies:application_new", args=[zhaoqing_type.code])
    anyone = client.get(listing)
    assert zhaoqing_type in anyone.context["subsidies"]
    assert "仅在肇庆市提供" in client.get(page).text
    client.force_login(seekers["foshan"])
    assert zhaoqing_type not in client.get(listing).context["subsidies"]
    assert (
        SubsidyType.objects.get(code="training")
        in client.get(listing).context["subsidies"]
    )
    detail = client.get(page)
    assert not detail.context["can_apply"] and detail.context["elsewhere"]
    assert client.get(new).status_code == 404
    client.force_login(seekers["zhaoqing"])
    assert zhaoqing_type in client.get(listing).context["subsidies"]
    assert client.get(page).context["can_apply"]
    assert client.get(new).status_code == 200


def test_an_application_from_another_city_is_refused_by_the_service(
    zhaoqing_type, seekers
):
    for city in ("foshan", "zhaoqing"):
        application = Application(
            subsidy_type=zhaoqing_type, person=seekers[city].person
        )
        if city == "foshan":
            with pytest.raises(services.SubsidyError, match="肇庆市"):
                services.submit_application(application, by=seekers[city])
        else:
            services.submit_application(application, by=seekers[city])
    assert [a.person for a in Application.objects.all()] == [seekers["zhaoqing"].person]


def test_only_the_citys_residents_are_told_about_its_own_subsidy(
    zhaoqing_type, seekers
):
    people = services.outreach.eligible_people(zhaoqing_type, datetime.date.today())
    assert list(people) == [seekers["zhaoqing"].person]


def test_a_citys_staff_keep_only_their_own_citys_subsidies(
    province, staff, zhaoqing_type
):
    common = SubsidyType.objects.get(code="job-search")
    foshan = services.save_catalogue_entry(
        SubsidyType(
            city=province["city"], code="foshan-only", name="佛山补贴",
            applicant="person", fund="employment", summary="x",
        ),
        by=staff["city"], changed_fields=[],
    )  # fmt: skip
    refused = [
        (common, staff["zhaoqing"], {}),
        (zhaoqing_type, staff["city"], {}),
        (zhaoqing_type, staff["duanzhou"], {}),
        (version_of(common, effective_from=datetime.date(2030, 1, 1)),
         staff["zhaoqing"], {}),
        (zhaoqing_type, staff["zhaoqing"], {"excludes": [foshan]}),
        (zhaoqing_type, staff["province"], {"same_item": [foshan]}),
    ]  # fmt: skip
    for entry, by, related in refused:
        entry.name = "改"
        with pytest.raises(services.SubsidyError):
            services.save_catalogue_entry(
                entry, by=by, changed_fields=["name"], related=related
            )
    moved = common.versions.get()  # onto Zhaoqing's own type
    moved.subsidy_type = zhaoqing_type
    with pytest.raises(services.SubsidyError):
        services.save_catalogue_entry(
            moved, by=staff["zhaoqing"], changed_fields=["subsidy_type"]
        )
    assert not SubsidyType.objects.filter(name="改").exists()
    assert zhaoqing_type.versions.count() == 1 and common.versions.count() == 1
    services.save_catalogue_entry(
        zhaoqing_type,
        by=staff["zhaoqing"],
        changed_fields=[],
        related={"excludes": [common]},
    )
    assert list(zhaoqing_type.excludes.all()) == [common]


def test_in_the_back_office_a_city_sees_and_edits_only_its_own_subsidies(
    client, province, staff, zhaoqing_type
):
    common = SubsidyType.objects.get(code="job-search")
    services.save_catalogue_entry(
        SubsidyType(
            city=province["city"], code="foshan-only", name="佛山补贴",
            applicant="person", fund="employment", summary="x",
        ),
        by=staff["city"], changed_fields=[],
    )  # fmt: skip
    client.force_login(staff["city"])
    listing = client.get(reverse("admin:subsidies_subsidytype_changelist"))
    shown = set(listing.context["cl"].result_list)
    assert common in shown and zhaoqing_type not in shown
    other = reverse("admin:subsidies_subsidytype_change", args=[zhaoqing_type.pk])
    assert client.get(other).status_code == 302  # not there for Foshan

    client.force_login(staff["zhaoqing"])
    mine = client.get(other)
    assert "_save" in mine.text
    related = mine.context["adminform"].form.fields["excludes"].queryset
    assert common in related and not related.filter(city=province["city"]).exists()
    page = client.get(reverse("admin:subsidies_subsidytype_change", args=[common.pk]))
    assert "_save" not in page.text
    assert not page.context["inline_admin_formsets"][0].has_add_permission
    add = client.get(reverse("admin:subsidies_subsidytype_add"))
    cities = add.context["adminform"].form.fields["city"].queryset
    assert list(cities) == [province["zhaoqing"]]
    assert add.context["adminform"].form.fields["city"].required


def test_a_citys_own_insurance_refund_goes_to_its_employers_only(province, staff):
    common, own, employers = zhaoqing_refund(province, staff)
    assert services.compute_refunds() == 2
    refunds = dict(Application.objects.values_list("employer", "subsidy_type"))
    assert refunds == {
        employers["foshan"].pk: common.pk,
        employers["zhaoqing"].pk: own.pk,
    }


def test_an_employer_its_citys_own_refund_refuses_gets_no_common_one(
    province, staff, monkeypatch
):
    from subsidies.errors import SubsidyError
    from subsidies.services import refunds

    common, own, employers = zhaoqing_refund(province, staff)
    submit = refunds.submit_application

    def refuse_zhaoqings(application, by):
        if application.subsidy_type == own:
            raise SubsidyError("refused by Zhaoqing's own rules")
        return submit(application, by=by)

    monkeypatch.setattr(refunds, "submit_application", refuse_zhaoqings)
    assert services.compute_refunds() == 1
    refunds_made = dict(Application.objects.values_list("employer", "subsidy_type"))
    assert refunds_made == {employers["foshan"].pk: common.pk}


def zhaoqing_refund(province, staff):
    """The common job-stabilisation refund, Zhaoqing's own copy of it, and an
    employer with a qualifying insurance year in each city."""
    from tests.subsidies.test_employers import insurance_year

    common = SubsidyType.objects.get(code="job-stabilisation")
    template = common.versions.get()
    own = services.save_catalogue_entry(
        SubsidyType(
            city=province["zhaoqing"], code="zhaoqing-stabilisation",
            name="肇庆稳岗返还", applicant="employer", fund="ui", summary="x",
        ),
        by=staff["zhaoqing"], changed_fields=[],
    )  # fmt: skip
    template.pk, template.subsidy_type = None, own  # a copy for Zhaoqing
    template._state.adding = True
    services.save_catalogue_entry(template, by=staff["zhaoqing"], changed_fields=[])
    employers = {
        "foshan": factories.make_employer(org_unit=province["chancheng_street"]),
        "zhaoqing": factories.make_employer(
            org_unit=province["duanzhou_street"], name="肇庆市测试建材有限公司"
        ),
    }
    for employer in employers.values():
        insurance_year(employer)
    return common, own, employers


def test_the_top_units_staff_linking_a_citys_subsidy_elsewhere_get_a_form_error(
    rf, province, staff, zhaoqing_type
):
    """Linking Zhaoqing's subsidy to one offered only in Foshan is refused on the
    form, where it can be corrected, not by the service as a server error."""
    from django.contrib.admin.sites import site

    foshan_only = services.save_catalogue_entry(
        SubsidyType(
            city=province["city"], code="foshan-only", name="佛山补贴",
            applicant="person", fund="employment", summary="x",
        ),
        by=staff["province"], changed_fields=[],
    )  # fmt: skip
    common = SubsidyType.objects.get(code="job-search")
    request = rf.get("/")
    request.user = staff["province"]
    model_admin = site._registry[SubsidyType]
    Form = model_admin.get_form(request, zhaoqing_type)
    fields = {
        name: Form(instance=zhaoqing_type).initial.get(name)
        for name in Form.base_fields
    }
    fields = {name: value for name, value in fields.items() if value is not None}
    for excludes, valid in (([common.pk], True), ([foshan_only.pk], False)):
        data = {**fields, "item": "restart", "excludes": excludes, "same_item": []}
        form = Form(data, instance=zhaoqing_type)
        assert form.is_valid() is valid, form.errors
        assert ("excludes" in form.errors) is not valid


def test_linking_two_subsidies_is_audited_on_both_sides(province, staff):
    """A excludes B makes B exclude A: each type's trail says so, added and
    taken away, when A is new and when A is edited."""
    by = staff["province"]

    def new_type(code, related=None):
        return services.save_catalogue_entry(
            SubsidyType(code=code, name=code, applicant="person",
                        fund="employment", summary=code),
            by=by, changed_fields=[], related=related,
        )  # fmt: skip

    def trail(subsidy):
        return list(
            AuditEntry.objects.filter(
                object_id=str(subsidy.pk), action="subsidies.catalogue.changed"
            )
            .order_by("pk")
            .values_list("data__changes", flat=True)
        )

    first = new_type("first")
    second = new_type("second", related={"excludes": [first]})
    assert trail(first) == [{"excludes": ["", "second"]}]

    services.save_catalogue_entry(
        second, by=by, changed_fields=[], related={"excludes": [], "same_item": []}
    )
    assert trail(first)[-1] == {"excludes": ["second", ""]}
    assert trail(second) == [{"excludes": ["first", ""]}]
