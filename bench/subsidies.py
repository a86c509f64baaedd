"""Benchmark of the subsidy chain: applications submitted, reviewed, noticed,
approved and paid through the services, as caseworkers would.

    .venv/bin/python bench/subsidies.py [--applications 40000]

Uses the database `portal_bench` (see bench/jobs.py). Creates that many people
(once; one in a hundred looks like another: same name and birth date, or the same
phone), a one-off subsidy reviewed at district and city level, and prints for each
stage the time and rate: submission (with the look-alike search), acceptance, the
two reviews, approval after the notice, the pre-disbursement check of every rule
and look-alike hold on the full set, and one batch of all of them with its file.
"""

import argparse
import datetime
import os
import random
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

from bench.jobs import ensure_database  # noqa: E402

CODE = "bench-one-off"
NAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def people(count: int):
    from stdnum.cn import ric

    from portal.models import OrgUnit, Person

    existing = list(Person.objects.filter(address="bench").order_by("pk")[:count])
    taken = set(Person.objects.values_list("id_number", flat=True))
    communities = list(OrgUnit.objects.filter(level="community"))
    rng = random.Random(7)
    new = []
    for index in range(len(existing), count):
        unit = communities[index % len(communities)]
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=index % 12000)
        if index % 100 == 99:  # a look-alike of the one before: same name and birth
            birth = new[-1].birth if new else birth
        sequence = index // 12000
        body = f"{unit.code[:6]}{birth:%Y%m%d}{sequence:03d}"
        while body + ric.calc_check_digit(body) in taken:
            sequence += 1
            body = f"{unit.code[:6]}{birth:%Y%m%d}{sequence:03d}"
        taken.add(body + ric.calc_check_digit(body))
        person = Person(
            name=rng.choice(NAMES) + "".join(rng.choices(GIVEN, k=2)),
            id_number=body + ric.calc_check_digit(body),
            phone=f"139{index:08d}",
            residence=unit,
            address="bench",
            retirement_track="male60",
        )
        person.birth = birth
        if index % 100 == 99 and new:
            person.name = new[-1].name
        if index % 100 == 49 and new:
            person.phone = new[-1].phone
        new.append(person)
    Person.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return list(Person.objects.filter(address="bench").order_by("pk")[:count])


def card(person) -> str:
    """A bank card number with a valid check digit, one per person."""
    from stdnum import luhn

    body = f"622202{person.pk:012d}"
    return body + luhn.calc_check_digit(body)


def prepare(count: int):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.urls import reverse

    from portal.models import OrgUnit, User
    from subsidies.models import PolicyVersion, SubsidyType

    if not OrgUnit.objects.exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    reverse("home")  # load every module the chain touches before the clock runs
    # A type of its own for each run: earlier runs' applications do not count.
    subsidy = SubsidyType.objects.create(
        code=f"{CODE}-{int(time.time())}", name="压力测试一次性补贴",
        applicant="person", fund="employment", summary="bench", is_active=False,
    )  # fmt: skip
    PolicyVersion.objects.create(
        subsidy_type=subsidy, label="bench", who_qualifies="bench",
        effective_from=datetime.date(2020, 1, 1), amount_rule="fixed",
        amount=1000, max_times=1, steps=["district", "city"],
    )  # fmt: skip
    admin = User.objects.get(username="admin")
    return subsidy, people(count), admin


def stage(name: str, items, work) -> list:
    started = time.perf_counter()
    results = [work(item) for item in items]
    seconds = time.perf_counter() - started
    print(f"{name:<44} {len(items):>6} in {seconds:7.1f} s = "
          f"{len(items) / seconds:6.0f}/s")  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=40000)
    args = parser.parse_args()
    ensure_database()
    subsidy, persons, admin = prepare(args.applications)
    import time_machine
    from django.utils import timezone

    from portal.models import User
    from subsidies import services
    from subsidies.models import Application, DuplicateSuspect, PayeeAccount
    from subsidies.services import chain, payments
    from subsidies.services.duplicates import is_held, resolve_suspect

    district_staff = {
        user.org_unit.code[:6]: user
        for user in User.objects.filter(
            role="caseworker", org_unit__level="district"
        ).select_related("org_unit")
    }
    city = User.objects.get(username="cw_city")

    applications = stage(
        "submitted (rules and look-alike search)",
        persons,
        lambda person: services.submit_application(
            Application(subsidy_type=subsidy, person=person),
            by=admin,
            account=PayeeAccount(kind="bank_card", bank="icbc", number=card(person)),
        ),
    )
    suspects = DuplicateSuspect.objects.filter(application__subsidy_type=subsidy)
    print(f"  look-alikes flagged for review: {suspects.count()}")
    stage(
        "accepted (district)",
        applications,
        lambda a: chain.accept_application(a, by=district_staff[a.org_unit.code[:6]]),
    )
    stage(
        "district review passed",
        applications,
        lambda a: chain.pass_step(a, by=district_staff[a.org_unit.code[:6]]),
    )
    applications = stage(
        "city review passed (to public notice)",
        applications,
        lambda a: chain.pass_step(a, by=city),
    )
    after_notice = max(a.notice_ends for a in applications) + datetime.timedelta(2)
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(after_notice, datetime.time(9)))
    ):
        stage(
            "approved after the notice",
            applications,
            lambda a: chain.approve_application(a, by=admin),
        )
    for suspect in suspects:  # half confirmed, half cleared
        resolve_suspect(suspect, duplicate=suspect.pk % 2 == 0, by=admin)
    approved = list(
        Application.objects.filter(subsidy_type=subsidy, status="approved")
        .select_related("person", "subsidy_type", "version")
        .prefetch_related("subsidy_type__excludes", "subsidy_type__same_item")
        .order_by("pk")
    )
    started = time.perf_counter()
    held = sum(1 for a in approved if payments.payment_refusals(a) or is_held(a))
    seconds = time.perf_counter() - started
    print(f"{'pre-disbursement check, full set':<44} {len(approved):>6} in "
          f"{seconds:7.1f} s = {len(approved) / seconds:6.0f}/s; "
          f"{held} held")  # fmt: skip
    started = time.perf_counter()
    batch, left_out = payments.create_batch(approved, by=admin)
    csv = payments.batch_csv(batch)
    seconds = time.perf_counter() - started
    rows = len(csv.splitlines()) - 1
    print(f"{'one batch of all, with its bank file':<44} {len(approved):>6} in "
          f"{seconds:7.1f} s; {rows} payments, {len(left_out)} left out, "
          f"total {batch.total} yuan")  # fmt: skip


if __name__ == "__main__":
    main()
