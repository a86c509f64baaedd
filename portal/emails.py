"""Render and send e-mails from templates/emails/<name>_subject.txt / _body.txt."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def render(name: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and plain-text body of an e-mail, in the recipient's language."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}_body.txt", context)
    return " ".join(subject.split()), body.strip()


def send(subject: str, body: str, to: list[str]) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
