"""Demo subsidy data for seed_demo: applications at every step of the chain (one
on notice with an objection to check, one flagged as a look-alike), an
employer's internship application, insurance years and the refunds computed
from them, and two years of training subsidies of registered unemployed people
and job-search subsidies of graduates, paid in monthly batches."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from graduates.models import Graduate
from jobs import services as jobs
from jobs.models import JobPosting
from portal import services as portal_services
from portal.demo import add_months, at, cohorts, history_start, keeping_dates
from portal.models import Employer, User
from registration.models import UnemploymentRegistration
from subsidies import services
from subsidies.models import (
    Application,
    DisbursementBatch,
    InsuranceYear,
    PayeeAccount,
    Payment,
    PolicyVersion,
    SubsidyType,
)
from subsidies.services import chain, payments, refunds

OCCUPATIONS = ["电工", "叉车司机", "中式烹调师", "焊工", "育婴员", "电子商务师"]


def _caseworker_for(application, level):
    if level == "city":
        return User.objects.get(username="cw_city")
    return User.objects.get(
        role=User.Role.CASEWORKER,
        org_unit__level="district",
        org_unit__code=application.org_unit.code[:6] + "000000",
    )


def _through_reviews(application):
    chain.accept_application(application, by=_caseworker_for(application, "district"))
    while application.current_level:
        level = application.current_level
        application = chain.pass_step(
            application, by=_caseworker_for(application, level)
        )
    return application


def seed_applications(employers: list[Employer]) -> None:
    """Idempotent: nothing is added once any application exists."""
    if Application.objects.exists():
        return
    training = SubsidyType.objects.get(code="training")
    registered = UnemploymentRegistration.objects.filter(
        status=UnemploymentRegistration.Status.REGISTERED, person__user__isnull=False
    ).select_related("person__user", "person__residence")[:6]
    registered = list(registered)
    if len(registered) >= 6:
        # A couple sharing one mobile phone: the second application is flagged
        # as a look-alike for a caseworker to check.
        shared = registered[5].person
        shared.phone = registered[4].person.phone
        portal_services.save_person(shared, by=shared.user, changed_fields=["phone"])
    made = []
    for index, registration in enumerate(registered):
        made.append(
            services.submit_application(
                Application(
                    subsidy_type=training,
                    person=registration.person,
                    level=["五级", "四级", "三级"][index % 3],
                    occupation=OCCUPATIONS[index],
                    certificate_number=f"S{timezone.localdate():%Y}44060{index:05d}",
                    statement="已参加培训并取得职业技能等级证书。",
                ),
                by=registration.person.user,
            )
        )
    admin = User.objects.get(username="admin")
    if len(made) >= 3:
        on_notice = _through_reviews(made[0])  # stays on public notice
        chain.raise_objection(
            on_notice,
            text="据我了解，申请人目前在亲戚开的五金店上班，并非失业人员，请核实。",
        )
        paid = _through_reviews(made[1])
        # A notice that ran earlier: the demo shows an approved, paid subsidy.
        Application.objects.filter(pk=paid.pk).update(
            notice_ends=timezone.localdate() - datetime.timedelta(days=1)
        )
        paid = chain.approve_application(paid, by=admin)
        services.change_payee_account(
            paid,
            PayeeAccount(
                kind="ss_card", bank="foshan_rcb", number="6214832026000000018"
            ),
            by=paid.person.user,
        )
        batch, _held = payments.create_batch([paid], by=admin)
        payments.settle_payment(batch.payments.get(), paid=True, by=admin)
        chain.accept_application(made[2], by=_caseworker_for(made[2], "district"))
        chain.return_application(
            made[2],
            "请补充上传职业技能等级证书的清晰扫描件（正反面）。",
            by=_caseworker_for(made[2], "district"),
        )
    _seed_internship(employers)
    _seed_refunds(employers)
    _seed_history(admin)


def _seed_internship(employers: list[Employer]) -> None:
    """The demo employer takes a recent graduate on through an internship posting
    and applies for the internship subsidy."""
    host = employers[0]
    staff = host.staff.first()
    admin = User.objects.get(username="admin")
    graduate = (
        Graduate.objects.filter(
            graduation_year__gte=timezone.localdate().year - 1,
            person__resume__isnull=False,
        )
        .select_related("person")
        .first()
    )
    if graduate is None:
        return
    posting = jobs.save_posting(
        JobPosting(
            employer=host,
            title="行政助理（就业见习）",
            occupation_group="3",
            occupation_name="行政助理",
            org_unit=host.org_unit,
            address=host.address or "佛山市",
            job_type="internship",
            headcount=2,
            salary_min=2300,
            salary_max=2600,
            contact_name=host.contact_name,
            contact_phone=host.contact_phone,
            description="面向离校2年内高校毕业生的见习岗位，见习期6个月，提供带教。",
            valid_until=timezone.localdate() + datetime.timedelta(days=30),
        ),
        by=staff,
    )
    posting = jobs.approve_posting(posting, by=admin)
    application = jobs.apply_to_posting(posting, person=graduate.person)
    for status in ("interview", "hired"):
        application = jobs.move_application(application, to=status, by=staff)
    services.submit_application(
        Application(
            subsidy_type=SubsidyType.objects.get(code="internship"),
            employer=host,
            person=graduate.person,
            months=6,
            period_start=timezone.localdate().replace(day=1),
            statement="见习岗位：行政助理，见习期6个月。",
        ),
        by=staff,
    )


def _seed_refunds(employers: list[Employer]) -> None:
    year = timezone.localdate().year - 1
    for index, employer in enumerate(employers[:12]):
        rng = random.Random(f"insurance-{index}")
        start = rng.randrange(8, 300)
        lost = rng.choice([0, 0, 1, 2, start // 8])
        InsuranceYear.objects.get_or_create(
            employer=employer,
            year=year,
            defaults={
                "contributions": Decimal(start * rng.randrange(380, 520)),
                "months_paid": 12 if index % 5 else 10,
                "insured_at_start": start,
                "insured_at_end": start - lost,
                "is_seriously_dishonest": index == 7,
            },
        )
    refunds.compute_refunds(year=year)


def _seed_history(admin) -> None:
    """Training subsidies of most registered unemployed people who wanted
    training, applied for one to three months after registering, and job-search
    subsidies of one graduate in eight of each cohort, applied for in the summer;
    in bulk, each at the step its age gives it, the paid ones in a batch per
    month."""
    today = timezone.localdate()
    training = SubsidyType.objects.get(code="training")
    job_search = SubsidyType.objects.get(code="job-search")
    wanted = (
        UnemploymentRegistration.objects.filter(
            wants_training=True,
            registered_on__gte=add_months(history_start(today), -6),
            person__user__isnull=False,
        )
        .exclude(person__subsidy_applications__isnull=False)
        .select_related("person__residence", "person__user")
        .order_by("registered_on", "person__id_number")
    )
    made = []
    for registration in wanted:
        person = registration.person
        rng = random.Random(f"training-{person.id_number}")
        applied = registration.registered_on + datetime.timedelta(rng.randint(30, 100))
        version = training.version_on(applied)
        if rng.random() < 0.6 and applied < today and version is not None:
            level = rng.choice(["五级", "四级", "四级", "三级"])
            application, paid_on = _history_application(
                rng, training, person, applied, today
            )
            application.level, application.occupation = level, rng.choice(OCCUPATIONS)
            application.certificate_number = f"S{applied:%Y}44060{len(made):05d}"
            application.amount = Decimal(application.version.level_amounts[level])
            made.append((application, paid_on))
    graduates = Graduate.objects.filter(
        graduation_year__in=cohorts(today),
        source=Graduate.Source.IMPORT,
        person__user__isnull=False,
    ).select_related("person__residence", "person__user")
    for graduate in graduates.order_by("person__id_number"):
        person = graduate.person
        rng = random.Random(f"job-search-{person.id_number}")
        applied = datetime.date(graduate.graduation_year, 7, 1)
        applied += datetime.timedelta(rng.randint(0, 60))
        if rng.random() < 0.125 and applied < today and job_search.version_on(applied):
            made.append(_history_application(rng, job_search, person, applied, today))
    with keeping_dates(Application, DisbursementBatch, Payment):
        Application.objects.bulk_create([a for a, _paid_on in made], batch_size=500)
        _pay(made, admin)


def _history_application(rng, subsidy_type, person, applied, today) -> tuple:
    """The application, and the day the bank paid it (None if not paid)."""
    version = subsidy_type.version_on(applied)
    application = Application(
        subsidy_type=subsidy_type,
        version=version,
        person=person,
        org_unit=person.residence,
        amount=version.amount or 0,
        statement="按规定提交申请材料。",
        submitted_by=person.user,
        created_at=at(applied, 10),
        updated_at=at(applied, 10),
    )
    age = (today - applied).days
    decided = applied + datetime.timedelta(rng.randint(15, 25))
    if age > 45:
        paid = rng.random() < 0.9
        application.status = "paid" if paid else "refused"
        application.step = len(version.steps) if paid else 1
        application.notice_ends = decided if paid else None
        application.updated_at = at(decided, 16)
        if paid:
            paid_on = decided + datetime.timedelta(rng.randint(10, 25))
            return application, min(paid_on, today)
    elif age > 20:
        application.status = rng.choice(["on_notice", "approved"])
        application.step = len(version.steps)
        application.notice_ends = decided
    else:
        application.status = rng.choice(["submitted", "in_review"])
        application.step = 0 if application.status == "submitted" else 1
    return application, None


def _pay(made, admin) -> None:
    """made: (application, the day the bank paid it or None)."""
    batches = {}
    for application, paid_on in made:
        if paid_on is not None:
            batches.setdefault(paid_on.replace(day=1), []).append(
                (application, paid_on)
            )
    for _month, paid in sorted(batches.items()):
        moment = at(min(paid_on for _application, paid_on in paid), 17)
        batch = DisbursementBatch.objects.create(
            status=DisbursementBatch.Status.SETTLED,
            total=sum(application.amount for application, _paid_on in paid),
            created_by=admin,
            created_at=moment,
            updated_at=moment,
        )
        Payment.objects.bulk_create(
            Payment(
                batch=batch,
                application=application,
                person=application.person,
                subsidy_type=application.subsidy_type,
                amount=application.amount,
                status=Payment.Status.PAID,
                paid_on=paid_on,
                created_at=moment,
                updated_at=at(paid_on, 17),
            )
            for application, paid_on in paid
        )


def seed_city_catalogue(demo) -> None:
    """A further demo city's own subsidy, offered only to its residents: an
    example one-off start-up subsidy for people returning home to start a
    business, its amount marked as an example."""
    subsidy, _created = SubsidyType.objects.get_or_create(
        code=f"{demo.slug}-returnee-start-up",
        defaults={
            "city": demo.units("city").get(),
            "name": f"{demo.name}返乡创业补贴",
            "applicant": SubsidyType.Applicant.PERSON,
            "fund": SubsidyType.Fund.EMPLOYMENT,
            "summary": f"返回{demo.name}首次创办小微企业或从事个体经营的，"
            "给予一次性补贴（演示数据）。",
            "item": "returnee-start-up",
            "position": 90,
        },
    )
    PolicyVersion.objects.get_or_create(
        subsidy_type=subsidy,
        effective_from=datetime.date(2025, 1, 1),
        defaults={
            "label": f"{demo.name}返乡创业补贴（示例，待本市确认）",
            "who_qualifies": f"返回{demo.name}首次创办小微企业或从事个体经营，"
            "且正常经营6个月以上的人员。",
            "amount_rule": PolicyVersion.AmountRule.FIXED,
            "amount": Decimal("3000"),
            "max_times": 1,
            "documents": "身份证\n营业执照\n经营场所证明",
            "steps": ["district", "city"],
        },
    )
