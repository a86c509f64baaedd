"""config.settings some days later, for bench/journeys.py.

`make run` with DJANGO_SETTINGS_MODULE=bench.later_settings serves the portal as it
will be JOURNEY_DAYS_AHEAD days from now: time_machine moves the clock of every
process that loads these settings (the manage.py commands, gunicorn's workers, the
django-q2 worker), so a public notice that ends in a week has ended. PostgreSQL keeps
its own clock; the portal takes dates and times from Python.
"""

import datetime
import os

import time_machine

from config.settings import *  # noqa: F403

DAYS_AHEAD = int(os.environ.get("JOURNEY_DAYS_AHEAD", "0"))
if DAYS_AHEAD:
    time_machine.travel(datetime.timedelta(days=DAYS_AHEAD)).start()
