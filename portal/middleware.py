from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the visitor chose English with the language switcher.

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would
    show English to the many people here whose phone or computer is set to English.
    The choice lives in the language cookie, then the account's language.
    """

    def process_request(self, request):
        supported = dict(settings.LANGUAGES)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            user = getattr(request, "user", None)
            language = getattr(user, "language", None) if user else None
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


NUL = "\x00"


def allow_nul_bytes(*fields):
    """Let these posted fields through with NUL bytes: the view handles them
    (the gate scanner stores what was scanned and answers "unknown code")."""

    def decorator(view):
        view.nul_bytes_allowed = frozenset(fields)
        return view

    return decorator


class RefuseNulBytesMiddleware:
    """A NUL byte in the path, a cookie, the query string or a posted form gets
    the 400 page. No field of ours takes one and PostgreSQL stores none in text:
    psycopg refuses the query, and the page would fail with a 500.

    It runs before the session and the user are loaded (a session cookie could
    hold one too), so the page is in the language the visitor's cookie chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        texts = [request.path, *request.COOKIES.keys(), *request.COOKIES.values()]
        if any(NUL in text for text in texts) or _holds_nul(request.GET):
            return _refuse(request)
        return self.get_response(request)

    def process_view(self, request, view, view_args, view_kwargs):
        if request.method != "POST":
            return None
        allowed = getattr(view, "nul_bytes_allowed", frozenset())
        files = [
            text
            for key, uploads in request.FILES.lists()
            for text in [key, *(upload.name for upload in uploads)]
        ]
        if _holds_nul(request.POST, allowed) or any(NUL in text for text in files):
            return _refuse(request)
        return None


def _holds_nul(data, allowed=frozenset()) -> bool:
    return any(
        NUL in key or (key not in allowed and any(NUL in value for value in values))
        for key, values in data.lists()
    )


def _refuse(request):
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        return render(request, "400.html", status=400)
