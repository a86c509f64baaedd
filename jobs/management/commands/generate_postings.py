"""Bulk synthetic postings for benchmarks (bench/jobs.py), loaded with COPY."""

import datetime
import io
import random

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from jobs.demo import BENEFITS, DUTIES, HOURS, JOBS_BY_INDUSTRY, REQUIREMENTS
from jobs.services.listings import rebuild_listings
from portal.models import Employer

COLUMNS = [
    "created_at",
    "updated_at",
    "employer_id",
    "title",
    "occupation_group",
    "occupation_name",
    "industry",
    "job_type",
    "org_unit_id",
    "address",
    "latitude",
    "longitude",
    "salary_min",
    "salary_max",
    "education",
    "experience_years",
    "headcount",
    "description",
    "contact_name",
    "contact_phone",
    "valid_until",
    "status",
    "rejection_reason",
    "submitted_at",
    "published_at",
]
COMPANIES = ["欧派斯模具", "顺达物流", "华美家具", "南方电器", "金辉五金", "新科电子"]


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", r"\n")


class Command(BaseCommand):
    help = "Add N published job postings spread over the verified employers (COPY)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, count, seed, **options):
        rng = random.Random(seed)
        employers = list(
            Employer.objects.verified()
            .select_related("org_unit")
            .values_list("pk", "industry", "org_unit_id", "latitude", "longitude")
        )
        if not employers:
            self.stderr.write("No verified employers: run seed_demo first.")
            return
        now = timezone.now()
        today = timezone.localdate()
        buffer = io.StringIO()
        for _ in range(count):
            pk, industry, unit, lat, lng = rng.choice(employers)
            title, group, occupation, (low, high), education = rng.choice(
                JOBS_BY_INDUSTRY.get(industry, JOBS_BY_INDUSTRY["C"])
            )
            published = now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 30))
            description = "".join(
                [
                    f"岗位职责：{rng.choice(DUTIES)}",
                    f"任职要求：{rng.choice(REQUIREMENTS)}",
                    rng.choice(HOURS),
                    f"福利待遇：{rng.choice(BENEFITS)}",
                    # A named company in about 1 in 50 texts, as in real postings.
                    f"{rng.choice(COMPANIES)}诚聘。" if rng.random() < 0.02 else "",
                    f"月薪{low}-{high}元。",
                ]
            )
            row = [
                published,
                published,
                pk,
                title,
                group,
                occupation,
                industry or "",
                "full_time",
                unit,
                "佛山市",
                float(lat) + rng.gauss(0, 0.03),
                float(lng) + rng.gauss(0, 0.03),
                low,
                high,
                education,
                rng.choice([0, 1, 2, 3]),
                rng.choice([1, 2, 5, 10]),
                description,
                "人事部",
                "13800138000",
                today + datetime.timedelta(days=30),
                "published",
                "",
                published,
                published,
            ]
            buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            copy_sql = f"COPY jobs_jobposting ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                while chunk := buffer.read(1 << 20):
                    copy.write(chunk)
            cursor.execute("ANALYZE jobs_jobposting")
        rebuild_listings()
        self.stdout.write(f"{count} postings added.")
