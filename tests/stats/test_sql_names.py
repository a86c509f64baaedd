"""The supply–demand SQL takes the other apps' table and column names from their
models and compares with their coded values as query parameters from the models'
choices: a table or a status renamed in its app cannot silently zero a figure."""

import ast
import datetime
import re
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.db.models import Choices
from django.utils import timezone

import stats
from jobs.models import JobPosting, PostingInterval, ResumeInterval
from registration.models import UnemploymentRegistration
from stats import supply_demand
from stats.periods import Period
from subsidies.models import SKILL_LEVELS, Application, SubsidyType
from tests import factories

OTHER_APPS = ["portal", "jobs", "registration", "graduates", "fairs", "subsidies"]
# Writes the tables directly to fill a benchmark database; it computes no figure.
NOT_FIGURES = ["management/commands/generate_city.py"]
BUILDERS = [supply_demand.demand_sql, supply_demand.seeker_sql,
            supply_demand.seeker_names_sql, supply_demand.seeking_sql]  # fmt: skip


def _other_models():
    return [m for m in apps.get_models() if m._meta.app_label in OTHER_APPS]


def _tables() -> set[str]:
    return {model._meta.db_table for model in _other_models()}


def _read_models():
    """The other apps' models whose tables the statistics' SQL reads."""
    sql = "".join(build() for build in BUILDERS)
    return [
        model
        for model in _other_models()
        if connection.ops.quote_name(model._meta.db_table) in sql
    ]


def _coded_values() -> set[str]:
    """The status values of the tables the statistics read, and the skill levels."""
    statuses = {
        value
        for model in _read_models()
        for field in model._meta.concrete_fields
        if field.name == "status"
        for value, _label in field.flatchoices
    }
    return statuses | set(SKILL_LEVELS)


def written_out(source: str) -> list[str]:
    """The other apps' table names, and their coded values quoted as SQL literals,
    in the strings of `source`."""
    tables, values = _tables(), _coded_values()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [t for t in tables if re.search(rf"\b{t}\b", node.value)]
            found += [v for v in re.findall(r"'([^']*)'", node.value) if v in values]
    return found


def _stats_sources() -> list[Path]:
    root = Path(stats.__file__).parent
    skipped = {root / path for path in NOT_FIGURES}
    return [path for path in sorted(root.rglob("*.py")) if path not in skipped]


def test_the_statistics_write_no_table_name_or_status_of_another_app():
    found = {
        str(path): names
        for path in _stats_sources()
        if (names := written_out(path.read_text()))
    }
    assert found == {}


def test_the_check_finds_table_names_and_coded_values_written_out():
    read = set(_read_models())
    assert {
        PostingInterval,
        ResumeInterval,
        UnemploymentRegistration,
        Application,
    } <= read
    source = """SQL = "FROM jobs_postinginterval i WHERE status IN ('registered', 'x')"
LEVEL = f"CASE {a.level} WHEN '一级' THEN '1' END"
"""
    assert written_out(source) == ["jobs_postinginterval", "registered", "一级"]


def test_the_built_sql_quotes_no_coded_value():
    for build in BUILDERS:
        assert not set(re.findall(r"'([^']*)'", build())) & _coded_values()


def test_tables_and_columns_are_named_by_the_models(monkeypatch):
    monkeypatch.setattr(PostingInterval._meta, "db_table", "jobs_openspan")
    monkeypatch.setattr(
        PostingInterval._meta.get_field("headcount"), "column", "places"
    )
    sql = supply_demand.demand_sql()
    assert '"jobs_openspan" i' in sql
    assert 'i."places" AS measure' in sql
    assert "jobs_postinginterval" not in sql and 'i."headcount"' not in sql


def test_the_coded_values_come_from_the_models_choices():
    params = supply_demand.query_params(Period("month", datetime.date(2026, 11, 1)))
    assert params["subsidy_granted"] == Application.GRANTED_STATUSES
    coded = [params["lost_job"], *params["subsidy_granted"],
             *params["secondary_industries"], *params["education_senior"]]  # fmt: skip
    # Members of the models' choices, not strings that merely equal them.
    assert all(isinstance(value, Choices) for value in coded)


def test_demand_is_read_from_the_intervals_not_from_the_postings(foshan, market):
    period = Period.containing("month", timezone.localdate())
    city = foshan["city"].descendant_prefix
    assert supply_demand.supply_and_demand(period)["demand"][(city, "", "")] == 9
    JobPosting.objects.update(headcount=99, status=JobPosting.Status.PENDING)
    assert supply_demand.supply_and_demand(period)["demand"][(city, "", "")] == 9
    PostingInterval.objects.all().delete()
    assert (city, "", "") not in supply_demand.supply_and_demand(period)["demand"]


def _certificate(person, level, occupation, status):
    subsidy = SubsidyType.objects.get(code="training")
    return Application.objects.create(
        subsidy_type=subsidy, version=subsidy.version_on(), person=person,
        org_unit=person.residence, level=level, occupation=occupation,
        certificate_number=f"{occupation}{level}", amount=1000, status=status,
    )  # fmt: skip


def test_seekers_skill_is_their_highest_granted_certificate(foshan, market):
    first, second = market[0].person, market[1].person
    _certificate(first, "五级", "电工", Application.Status.PAID)
    _certificate(first, "三级", "焊工", Application.Status.APPROVED)
    _certificate(second, "一级", "电工", Application.Status.IN_REVIEW)
    _certificate(second, "四级", "焊工", Application.Status.REFUSED)
    factories.make_resume(market[2])  # a third seeker, with no certificate
    period = Period.containing("month", timezone.localdate())
    seekers = supply_demand.supply_and_demand(period)["seekers"]
    city = foshan["city"].descendant_prefix
    skills = {key[2]: value for key, value in seekers.items()
              if key[0] == city and key[1] == "skill"}  # fmt: skip
    assert skills == {"3": 1, "none": 2}
