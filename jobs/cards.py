"""The rows of the job list's cards, read by id.

On every search whose page is read by id, building and compiling the cards'
query through the ORM took 0.6 ms of Python, more than running it
(docs/technical-choices.md, "Search at real traffic").
"""

import datetime
import threading

from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jobs.models import JobPosting
from jobs.search_plans import card_columns

# Stand-ins compiled into the cards' query in place of the values of one request;
# found again in the compiled parameters by identity.
_IDS, _LAT, _LNG = [], float("nan"), float("nan")
_compiled: dict[tuple[bool, datetime.date], tuple[str, list]] = {}
_lock = threading.Lock()


def card_rows(params: dict, ids: list[int]) -> list[dict]:
    """The cards' rows (card_columns) of the postings `ids` that are public, as
    search_plans.card_rows reads them (published(), the distance from the point
    searched around), in no particular order. The query is the ORM's, compiled
    once a day for each shape (with or without a point) and run with this
    request's ids and point."""
    located = "lat" in params and "lng" in params
    sql, args = _query(located, timezone.localdate())
    values = {id(_IDS): list(ids)}
    if located:
        values |= {id(_LAT): params["lat"], id(_LNG): params["lng"]}
    args = [values.get(id(arg), arg) for arg in args]
    columns = card_columns(params)
    # The database the ORM would read from (a replica, unless pinned to the primary).
    database = JobPosting.objects.all().db
    with connections[database].cursor() as cursor:
        cursor.execute(sql, args)
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _query(located: bool, today: datetime.date) -> tuple[str, list]:
    key = located, today
    compiled = _compiled.get(key)
    if compiled is None:
        public = JobPosting.objects.published().filter(
            RawSQL(
                '"jobs_jobposting"."id" = ANY(%s)', (_IDS,), output_field=BooleanField()
            )
        )
        if located:
            public = public.with_distance(_LAT, _LNG)
        params = {"lat": _LAT, "lng": _LNG} if located else {}
        sql, args = public.values(*card_columns(params)).query.sql_with_params()
        stand_ins = [_IDS, _LAT, _LNG] if located else [_IDS]
        if not all(any(arg is s for arg in args) for s in stand_ins):
            raise RuntimeError("the cards' query no longer takes its values as given")
        compiled = sql, list(args)
        with _lock:
            # Yesterday's are of no more use.
            for old in [k for k in _compiled if k[1] != today]:
                del _compiled[old]
            _compiled[key] = compiled
    return compiled
