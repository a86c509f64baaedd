"""Strings that Django and the packages we use show without a Chinese translation of
their own: their zh_Hans catalogues lag behind their code. Listed here, `make
messages` puts them in locale/, whose catalogues Django reads before any package's
(LOCALE_PATHS). Nothing imports this module; remove a string once its package
translates it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO = [
    # The admin's index and sidebar (column headers read out by screen readers).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."
    ),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    # Sign-up and password change: Django 5.2 changed this message's placeholder.
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "count",
    ),
]

# The task queue's back office (django-q2), for administrators.
DJANGO_Q = [
    gettext_noop("Task"),
    gettext_noop("Tasks"),
    gettext_noop("Task id"),
    gettext_noop("32-character task identifier."),
    gettext_noop("Optional human-readable name for lookup and display."),
    gettext_noop("Function"),
    gettext_noop("Dotted import path to the callable, e.g. myapp.tasks.job."),
    gettext_noop("Hook"),
    gettext_noop("Optional dotted path to a callback that receives the task result."),
    gettext_noop("Arguments"),
    gettext_noop("Pickled positional arguments (tuple)."),
    gettext_noop("Keyword arguments"),
    gettext_noop("Pickled keyword arguments (dict)."),
    gettext_noop("Pickled return value or error payload."),
    gettext_noop("Group"),
    gettext_noop("Optional group id to aggregate related tasks."),
    gettext_noop("Cluster"),
    gettext_noop("Cluster key"),
    gettext_noop("Name of the cluster that executed this task."),
    gettext_noop("Started at"),
    gettext_noop("When the worker started executing the task."),
    gettext_noop("Stopped at"),
    gettext_noop("When the worker finished (success or failure)."),
    gettext_noop("Time Taken"),
    gettext_noop("Short result"),
    gettext_noop("success"),
    gettext_noop("False if the task raised an exception or timed out."),
    gettext_noop("Attempt count"),
    gettext_noop("How many times execution was attempted."),
    gettext_noop("Optional label to identify this schedule in the admin."),
    gettext_noop("e.g. module.tasks.function"),
    gettext_noop("e.g. module.tasks.result_function"),
    gettext_noop("Cron"),
    gettext_noop("How often this task should be enqueued."),
    gettext_noop("When this schedule runs next (stored in UTC)."),
    gettext_noop("Last task id"),
    gettext_noop("Id of the last task spawned from this schedule (read-only)."),
    gettext_noop("Name of the target cluster"),
    gettext_noop("Intended date kwarg"),
    gettext_noop("Payload"),
    gettext_noop("Signed serialized task package (do not edit manually)."),
    gettext_noop("Lock until"),
    gettext_noop("Prevent any cluster from pulling until"),
    gettext_noop("Queue options"),
]

# Failed logins (django-axes, which ships no Chinese; portal/admin.py shows them).
AXES = [
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Username"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
]
