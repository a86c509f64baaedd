"""Every public page renders in Chinese (the default) and in English."""

import pytest
from django.urls import reverse

PUBLIC_PAGES = [
    "home",
    "services_hall",
    "employer_list",
    "signup",
    "signup_seeker",
    "signup_employer",
    "login",
    "password_reset",
    "registration:recognition_notices",
    "fairs:fair_list",
    "subsidies:subsidy_list",
    "subsidies:notice_list",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_in_chinese_by_default(client, foshan, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "公共就业服务平台" in response.text


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_in_english(client, foshan, name):
    client.cookies["django_language"] = "en"
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Public Employment Service Platform" in response.text


def test_home_page_shows_live_counts(client, employer, seeker, foshan):
    response = client.get(reverse("home"))
    assert response.context["employer_count"] == 1
    assert response.context["seeker_count"] == 1
    chancheng = next(d for d in response.context["districts"] if d.name == "禅城区")
    assert chancheng.employer_count == 1


def test_language_switch_keeps_the_url(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/employers/"}
    )
    assert response.status_code == 302
    assert response.url == "/employers/"
    assert "Verified employers" in client.get("/employers/").text


def test_employer_directory_lists_only_verified_employers(client, foshan, employer):
    from tests import factories

    pending = factories.make_employer(
        org_unit=foshan["chancheng_street"], verified=False, name="待审核公司"
    )
    response = client.get(reverse("employer_list"))
    assert employer.employer.name in response.text
    assert pending.name not in response.text
    detail = reverse("employer_detail", args=[pending.pk])
    assert client.get(detail).status_code == 404


def test_employer_directory_searches_and_filters(client, foshan, employer):
    by_name = client.get(reverse("employer_list"), {"q": "五金"})
    assert employer.employer.name in by_name.text
    other_district = client.get(
        reverse("employer_list"), {"district": foshan["nanhai"].code}
    )
    assert employer.employer.name not in other_district.text


def test_employer_directory_stays_within_its_query_budget(
    client, foshan, django_assert_max_num_queries
):
    from tests import factories

    for i in range(25):
        factories.make_employer(org_unit=foshan["chancheng_street"], name=f"公司{i}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("employer_list"))
    assert response.context["page"].paginator.count == 25


@pytest.mark.parametrize("name", ["workspace", "notification_list", "profile_edit"])
def test_private_pages_ask_for_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_profile_edit_is_for_seekers_only(client, employer):
    client.force_login(employer)
    assert client.get(reverse("profile_edit")).status_code == 403


def test_seeker_completes_their_record_and_it_is_audited(client, seeker, foshan):
    from portal.models import AuditEntry

    client.force_login(seeker)
    response = client.post(
        reverse("profile_edit"),
        {
            "phone": "13912345678",
            "residence": foshan["chancheng_community"].pk,
            "address": "祖庙路1号",
            "hukou_place": "广东省佛山市",
            "hukou_type": "urban",
            "education": "bachelor",
        },
    )
    assert response.status_code == 302
    seeker.person.refresh_from_db()
    assert seeker.person.education == "bachelor"
    entry = AuditEntry.objects.get(action="portal.person.changed")
    assert entry.data["changes"]["education"] == ["", "bachelor"]


def test_browser_language_does_not_switch_the_site_to_english(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in response.text


def test_switching_language_when_logged_in_sets_the_email_language(client, seeker):
    client.force_login(seeker)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    seeker.refresh_from_db()
    assert seeker.language == "en"


def test_signed_in_users_are_sent_from_sign_up_to_their_workspace(client, seeker):
    client.force_login(seeker)
    for name in ("signup", "signup_seeker", "signup_employer"):
        assert client.get(reverse(name)).url == reverse("workspace")


def test_missing_page_shows_the_sites_own_404_in_chinese(client, db, settings):
    settings.DEBUG = False
    response = client.get("/employers/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_seeker_workspace_shows_sex_from_the_id_number(client, seeker):
    client.force_login(seeker)
    response = client.get(reverse("workspace"))
    assert f"<dd>{seeker.person.get_sex_display()}</dd>" in response.text
    assert seeker.person.get_sex_display() in ("男", "女")


def test_inbox_stays_within_its_query_budget(
    client, employer, caseworker, django_assert_max_num_queries
):
    from portal import services

    for _ in range(30):
        services.notify(employer, "employer_verified", {"employer": employer.employer})
    client.force_login(employer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notification_list"))
    assert len(response.context["page"].object_list) == 20


def test_the_back_office_login_page_opens_for_visitors(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
