from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def signed(value) -> str:
    """+1.25 / −0.40 / 0.00; "—" when there is nothing to compare with."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value > 0:
        return f"+{value:,.2f}"
    if value < 0:
        return f"−{-value:,.2f}"
    return "0.00"


@register.filter
def figure(value) -> str:
    """A count without decimals, a rate or ratio with two; "—" when missing."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"


@register.filter
def trend_class(value) -> str:
    if value is None or Decimal(value) == 0:
        return "flat"
    return "up" if Decimal(value) > 0 else "down"


@register.filter
def two(value) -> str:
    """Shares and ratios always with two decimals, as the report tables print."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"
