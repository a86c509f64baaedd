"""The one way to make a PDF: a template in templates/pdf/ and static/css/print.css,
rendered by WeasyPrint with the system's CJK fonts (Noto Sans CJK SC)."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    fonts = FontConfiguration()
    stylesheet = CSS(filename=finders.find("css/print.css"), font_config=fonts)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )
