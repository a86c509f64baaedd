from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package: settings, root URLs and the commands that wire every app."""

    name = "config"
    verbose_name = "Project"
