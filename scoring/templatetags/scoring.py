from django import template

from scoring.models import Recommendation

register = template.Library()


def _number(value):
    # A missing value reaches a filter as None, or as "" when the variable does not resolve.
    return value if isinstance(value, int | float) else None


@register.filter
def percent(value):
    """0.625 → '63 %'; a dash for no value."""
    value = _number(value)
    return "–" if value is None else f"{value * 100:.0f} %"


@register.filter
def score(value):
    """A mean rating with two decimals, or a dash."""
    value = _number(value)
    return "–" if value is None else f"{value:.2f}"


@register.filter
def score_band(value):
    """The nearest whole rating 1–4, for a colour that repeats what the number says."""
    value = _number(value)
    return "" if value is None else f"score-band-{min(4, max(1, int(value + 0.5)))}"


@register.filter
def signed(value):
    """A difference with its sign and two decimals (+0.40, −0.15), or a dash."""
    value = _number(value)
    return "–" if value is None else f"{value:+.2f}".replace("-", "−")


@register.filter
def recommendation_label(value):
    """A stored recommendation (1–4) in words, or a dash."""
    return Recommendation(value).label if value in Recommendation.values else "–"
