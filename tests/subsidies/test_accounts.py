"""The account a subsidy is paid into (docs/subsidy-disbursement.md, "The payee's
account"): given on the application, checked, kept as typed, masked on pages."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from portal.models import AuditEntry
from subsidies import services
from subsidies.models import (
    BANK_NAMES,
    Application,
    Bank,
    PayeeAccount,
    Payment,
    SubsidyType,
)
from subsidies.services import payments
from tests import factories

CARD = "6214832026000000018"  # a valid check digit
SPACED = "6214 8320 2600 0000 018"


@pytest.fixture
def graduate(seeker):
    factories.make_graduate(seeker.person)
    return seeker


def apply_online(client, seeker, **account):
    client.force_login(seeker)
    url = reverse("subsidies:application_new", args=["job-search"])
    return client.post(url, {"statement": "", **account})


def job_search(seeker, account=None):
    return services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="job-search"),
            person=seeker.person,
        ),
        by=seeker,
        account=account,
    )


def test_a_mistyped_card_number_is_refused_with_a_clear_message(client, graduate):
    wrong_digit = CARD[:-1] + "9"
    cases = {
        wrong_digit: "校验位",
        "621483202600001": "16至19位",  # 15 digits
        "6214-8320-2600-0000-018": "只能是数字",
    }
    for number, message in cases.items():
        response = apply_online(
            client, graduate, **factories.account_fields(number=number)
        )
        assert response.status_code == 200
        errors = response.context["form"].errors["account_number"]
        assert message in " ".join(errors)
    nul = apply_online(client, graduate, **factories.account_fields(number=CARD + "\0"))
    assert nul.status_code == 400  # refused before any form sees it
    assert not Application.objects.exists() and not PayeeAccount.objects.exists()


def test_the_card_number_is_stored_as_digits_without_spaces(client, graduate):
    full_width = "６２１４ ８３２０　２６００ ００００ ０１８"
    for typed in (SPACED, full_width):
        application = Application.objects.filter(status="submitted").first()
        if application:
            services.withdraw_application(application, by=graduate)
        apply_online(
            client, graduate, **factories.account_fields(bank="psbc", number=typed)
        )
    [account] = PayeeAccount.objects.all()  # the same card given twice: one row
    assert account.number == CARD
    assert (account.kind, account.bank, account.holder) == (
        "ss_card",
        "psbc",
        graduate.person.name,
    )
    assert Application.objects.get(status="submitted").payee_account == account


def test_the_account_on_file_is_offered_masked_and_used_again(client, graduate):
    apply_online(client, graduate, **factories.account_fields(number=SPACED))
    first = Application.objects.get()
    services.withdraw_application(first, by=graduate)
    form = client.get(reverse("subsidies:application_new", args=["job-search"]))
    assert "****0018" in form.text and CARD not in form.text
    apply_online(client, graduate, account_choice="on_file")
    second = Application.objects.get(status="submitted")
    assert second.payee_account == first.payee_account
    assert PayeeAccount.objects.count() == 1


def test_the_database_keeps_numbers_digits_only_and_kinds_to_their_payee(
    graduate, employer
):
    person, company = graduate.person, employer.employer
    wrong = [
        {"person": person, "kind": "ss_card", "number": SPACED},
        {"person": person, "kind": "ss_card", "number": "12345678"},  # too short
        {"person": person, "kind": "basic", "number": CARD},
        {"employer": company, "kind": "bank_card", "number": CARD},
        {"person": person, "employer": company, "kind": "ss_card", "number": CARD},
    ]
    for fields in wrong:
        with pytest.raises(IntegrityError), transaction.atomic():
            PayeeAccount.objects.create(bank="icbc", holder="某", **fields)
    PayeeAccount.objects.create(
        employer=company, kind="basic", number="44050166880100001234", bank="ccb"
    )


def test_the_banks_are_named_in_chinese_as_they_are_registered(db):
    with translation.override("zh-hans"):
        assert [str(label) for _code, label in Bank.choices] == list(
            BANK_NAMES.values()
        )
    assert BANK_NAMES[Bank.SHUNDE_RCB] == "广东顺德农村商业银行"


def test_an_application_without_an_account_is_held_until_the_applicant_gives_one(
    client, graduate, staff
):
    application = factories.approve_subsidy(job_search(graduate), staff)
    PayeeAccount.objects.all().delete()  # as if none had been given
    with pytest.raises(services.SubsidyError, match="账户|account"):
        payments.create_batch([application], by=staff["payer"])
    assert application.status == "approved" and not Payment.objects.exists()
    client.force_login(graduate)
    url = reverse("subsidies:application_account", args=[application.code])
    client.post(url, factories.account_fields(kind="bank_card", number=CARD))
    batch, held = payments.create_batch([application], by=staff["payer"])
    assert held == {}
    assert batch.payments.get().account.number == CARD


def test_after_the_bank_failed_the_applicant_gives_another_account_for_the_next_batch(
    client, graduate, staff
):
    application = factories.approve_subsidy(
        job_search(graduate, PayeeAccount(kind="ss_card", bank="icbc", number=CARD)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    first_file = payments.batch_csv(batch)
    client.force_login(graduate)
    url = reverse("subsidies:application_account", args=[application.code])
    other = factories.card_number()
    change = factories.account_fields(kind="bank_card", bank="abc", number=other)
    client.post(url, change)  # not while the bank has the payment
    application.refresh_from_db()
    assert application.payee_account.number == CARD
    payments.settle_payment(
        batch.payments.get(), paid=False, by=staff["payer"], reason="账户已冻结"
    )
    page = client.get(application.get_absolute_url())
    assert "账户已冻结" in page.text
    client.post(url, change)
    application.refresh_from_db()
    assert application.payee_account.number == other
    again, _held = payments.create_batch([application], by=staff["payer"])
    assert again.payments.get().account.number == other
    assert payments.batch_csv(batch) == first_file  # the first file stays as sent
    changed = AuditEntry.objects.get(action="subsidies.application.account_changed")
    assert other not in str(changed.data) and other[-4:] in str(changed.data)


def test_an_account_number_is_masked_except_for_staff_who_pay(
    client, graduate, staff, city_viewer
):
    application = factories.approve_subsidy(
        job_search(graduate, PayeeAccount(kind="ss_card", bank="icbc", number=CARD)),
        staff,
    )
    batch, _held = payments.create_batch([application], by=staff["payer"])
    payment = batch.payments.get()
    pages = {
        "applicant": (graduate, [application.get_absolute_url()]),
        "district": (
            staff["district"],
            [reverse("admin:subsidies_application_change", args=[application.pk])],
        ),
        "viewer": (
            city_viewer,
            [
                reverse("admin:subsidies_disbursementbatch_change", args=[batch.pk]),
                reverse("admin:subsidies_payment_changelist"),
                reverse("admin:subsidies_payment_change", args=[payment.pk]),
            ],
        ),
    }
    for user, urls in pages.values():
        client.force_login(user)
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200
            assert "****0018" in page.text and CARD not in page.text
    client.force_login(staff["payer"])
    for url in [
        reverse("admin:subsidies_application_change", args=[application.pk]),
        *pages["viewer"][1],
    ]:
        assert CARD in client.get(url).text
