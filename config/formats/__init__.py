"""Date and time formats per language (FORMAT_MODULE_PATH), over Django's own.

Chinese: 2026年12月7日 in text, 2026-12-07 in tables (SHORT_DATE_FORMAT). English:
7 Dec 2026 everywhere, never the US 12/07/2026. Times are 24-hour in both. Dates are
typed and sent as ISO 8601 (2026-12-07) in both, the first input format, which date
fields also show.
"""
