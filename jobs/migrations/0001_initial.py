import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import jobs.models

# Tokens for Chinese full-text search (see jobs/search.py): each run of Han
# characters becomes its overlapping bigrams plus its last character; Latin words
# and numbers stay whole. IMMUTABLE, so a generated column can use it.
CJK_BIGRAM_FUNCTION = r"""
CREATE FUNCTION cjk_bigram_text(input text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(
        CASE WHEN run.is_han THEN substr(run.token, part.pos, 2) ELSE run.token END,
        ' ' ORDER BY run.number, part.pos), '')
    FROM (
        SELECT match[1] AS token,
               match[1] ~ '^[\u3400-\u9fff\uf900-\ufaff]' AS is_han,
               row_number() OVER () AS number
        FROM regexp_matches(
            lower(normalize(input, NFKC)),
            '[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+', 'g') AS match
    ) AS run
    CROSS JOIN LATERAL generate_series(
        1, CASE WHEN run.is_han THEN char_length(run.token) ELSE 1 END) AS part(pos)
$$;
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0003_staff_groups_and_categories"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(CJK_BIGRAM_FUNCTION, "DROP FUNCTION cjk_bigram_text(text);"),
        migrations.CreateModel(
            name="JobPosting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="updated at"),
                ),
                ("title", models.CharField(max_length=60, verbose_name="job title")),
                (
                    "occupation_group",
                    models.CharField(
                        choices=[
                            (
                                "1",
                                "Heads of party, state, social and business organisations",
                            ),
                            ("2", "Professional and technical personnel"),
                            ("3", "Clerical and related personnel"),
                            ("4", "Social production and life service personnel"),
                            (
                                "5",
                                "Agriculture, forestry, animal husbandry and fishery workers",
                            ),
                            ("6", "Production, manufacturing and related personnel"),
                            ("7", "Military personnel"),
                            ("8", "Other workers not elsewhere classified"),
                        ],
                        max_length=1,
                        verbose_name="occupation group",
                    ),
                ),
                (
                    "occupation_name",
                    models.CharField(
                        help_text="The finer occupation name, e.g. 会计, 电工, 焊工.",
                        max_length=50,
                        verbose_name="occupation",
                    ),
                ),
                (
                    "industry",
                    models.CharField(
                        blank=True,
                        choices=[
                            (
                                "A",
                                "Agriculture, forestry, animal husbandry and fishery",
                            ),
                            ("B", "Mining"),
                            ("C", "Manufacturing"),
                            ("D", "Electricity, heat, gas and water supply"),
                            ("E", "Construction"),
                            ("F", "Wholesale and retail"),
                            ("G", "Transport, storage and postal services"),
                            ("H", "Accommodation and catering"),
                            ("I", "Information transmission, software and IT services"),
                            ("J", "Finance"),
                            ("K", "Real estate"),
                            ("L", "Leasing and business services"),
                            ("M", "Scientific research and technical services"),
                            (
                                "N",
                                "Water, environment and public facilities management",
                            ),
                            ("O", "Residential, repair and other services"),
                            ("P", "Education"),
                            ("Q", "Health and social work"),
                            ("R", "Culture, sports and entertainment"),
                            ("S", "Public administration and social organisations"),
                            ("T", "International organisations"),
                        ],
                        max_length=1,
                        verbose_name="industry",
                    ),
                ),
                (
                    "job_type",
                    models.CharField(
                        choices=[
                            ("full_time", "Full-time"),
                            ("part_time", "Part-time"),
                            ("flexible", "Flexible / gig work"),
                            ("internship", "Internship / traineeship"),
                        ],
                        default="full_time",
                        max_length=12,
                        verbose_name="job type",
                    ),
                ),
                (
                    "address",
                    models.CharField(max_length=200, verbose_name="workplace address"),
                ),
                (
                    "latitude",
                    models.FloatField(blank=True, null=True, verbose_name="latitude"),
                ),
                (
                    "longitude",
                    models.FloatField(blank=True, null=True, verbose_name="longitude"),
                ),
                (
                    "salary_min",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="monthly salary from (CNY)"
                    ),
                ),
                (
                    "salary_max",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="monthly salary up to (CNY)"
                    ),
                ),
                (
                    "education",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("none", "No schooling"),
                            ("primary", "Primary school"),
                            ("junior", "Junior secondary"),
                            ("senior", "Senior secondary"),
                            ("vocational", "Secondary vocational"),
                            ("college", "Junior college"),
                            ("bachelor", "Bachelor"),
                            ("master", "Master"),
                            ("doctorate", "Doctorate"),
                        ],
                        help_text="Leave empty when any education is fine.",
                        max_length=20,
                        verbose_name="education required",
                    ),
                ),
                (
                    "experience_years",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="years of experience required"
                    ),
                ),
                (
                    "headcount",
                    models.PositiveSmallIntegerField(
                        default=1, verbose_name="number of hires"
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        help_text="Duties, requirements, working hours, benefits.",
                        verbose_name="job description",
                    ),
                ),
                (
                    "contact_name",
                    models.CharField(max_length=50, verbose_name="contact person"),
                ),
                (
                    "contact_phone",
                    models.CharField(max_length=20, verbose_name="contact phone"),
                ),
                ("valid_until", models.DateField(verbose_name="open until")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting review"),
                            ("published", "Published"),
                            ("rejected", "Returned for changes"),
                            ("paused", "Paused"),
                            ("closed", "Closed"),
                            ("expired", "Expired"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "rejection_reason",
                    models.TextField(blank=True, verbose_name="reason returned"),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="submitted at"
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="published at"
                    ),
                ),
                (
                    "search",
                    models.GeneratedField(
                        db_persist=True,
                        expression=jobs.models.ToSimpleTsvector(
                            jobs.models.CjkBigrams(
                                models.Func(
                                    models.F("title"),
                                    models.Value(" "),
                                    models.F("occupation_name"),
                                    models.Value(" "),
                                    models.F("description"),
                                    arg_joiner=" || ",
                                    template="%(expressions)s",
                                )
                            )
                        ),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
                (
                    "employer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="portal.employer",
                        verbose_name="employer",
                    ),
                ),
                (
                    "org_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="portal.orgunit",
                        verbose_name="workplace street or town",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "job posting",
                "verbose_name_plural": "job postings",
                "ordering": ["-published_at", "-id"],
                "permissions": [
                    ("moderate_jobposting", "Can approve or return job postings")
                ],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search"], name="job_search_gin"
                    ),
                    django.contrib.postgres.indexes.GistIndex(
                        models.Func(
                            django.db.models.expressions.CombinedExpression(
                                models.F("longitude"), "*", models.Value(0.9205)
                            ),
                            models.F("latitude"),
                            function="point",
                        ),
                        name="job_point_gist",
                    ),
                    models.Index(
                        condition=models.Q(("status", "published")),
                        fields=["-published_at"],
                        name="job_published_recent",
                    ),
                    models.Index(
                        fields=["status", "valid_until"], name="job_status_valid"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("salary_min__isnull", True),
                            ("salary_max__isnull", True),
                            ("salary_min__lte", models.F("salary_max")),
                            _connector="OR",
                        ),
                        name="job_salary_range_ordered",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("headcount__gte", 1)),
                        name="job_headcount_positive",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "rejected"), _negated=True),
                            models.Q(("rejection_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="job_rejection_has_reason",
                    ),
                ],
            },
        ),
    ]
