"""A district's staff import graduates of their own area only, and a refusal tells
nothing about who holds an ID number."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from graduates import services
from graduates.models import Graduate, Leaver
from graduates.services import GraduateRow
from portal.models import Person
from tests import factories


def row(line, name, id_number, origin_code):
    return GraduateRow(
        line=line,
        name=name,
        id_number=id_number,
        graduation_year=2026,
        school="佛山大学",
        major="会计学",
        degree="bachelor",
        origin_code=origin_code,
        destination="seeking",
    )


def test_a_district_caseworker_imports_no_resident_of_another_district(
    caseworker, other_seeker
):
    resident = other_seeker.person  # lives in 南海区
    result = services.import_graduates(
        [row(2, resident.name, resident.id_number, "440604")], by=caseworker
    )
    assert list(result["refused"]) == [2]
    assert not Graduate.objects.exists()
    assert not Leaver.objects.exists()


def test_rows_outside_the_area_get_one_answer_whether_or_not_the_person_is_on_file(
    caseworker, other_seeker
):
    resident = other_seeker.person
    nobody = factories.id_number(area="440605", birth="20040506", sequence=404)
    result = services.import_graduates(
        [
            row(2, resident.name, resident.id_number, "440605"),
            row(3, "不是这个名字", resident.id_number, "440605"),
            row(4, "王小明", nobody, "440605"),
        ],
        by=caseworker,
    )
    answers = result["refused"]
    assert list(answers) == [2, 3, 4]
    assert answers[2] == answers[3] == answers[4]
    assert not Graduate.objects.exists()
    assert not Person.objects.filter(id_number=nobody).exists()


def test_a_district_caseworker_imports_graduates_of_their_own_area(caseworker, seeker):
    newcomer = factories.id_number(birth="20040506", sequence=505)
    listing = [
        row(2, seeker.person.name, seeker.person.id_number, "440604"),
        row(3, "王小明", newcomer, "440604"),
    ]
    first = services.import_graduates(listing, by=caseworker)
    assert (first["created"], first["leavers"], first["refused"]) == (2, 2, {})
    served = Graduate.objects.get(person__id_number=newcomer).org_unit
    assert caseworker.org_unit.contains(served)
    # The newcomer has no address on file: their graduate record makes them ours.
    again = services.import_graduates(listing, by=caseworker)
    assert (again["unchanged"], again["refused"]) == (2, {})


def test_the_import_page_refuses_a_resident_of_another_district(
    client, caseworker, other_seeker
):
    resident = other_seeker.person
    text = (
        "姓名,身份证号码,毕业年份,学校,专业,学历,生源地代码,毕业去向\n"
        f"{resident.name},{resident.id_number},2026,佛山大学,会计学,本科,440604,待就业\n"
    )
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:graduates_graduate_import"),
        {"file": SimpleUploadedFile("list.csv", text.encode("gb18030"))},
    )
    assert response.status_code == 200
    assert [line for line, _problems in response.context["result"]["refused"]] == [2]
    assert not Graduate.objects.filter(person=resident).exists()
