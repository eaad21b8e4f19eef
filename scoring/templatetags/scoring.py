from django import template

register = template.Library()


@register.filter
def percent(value):
    """0.625 → '63 %'; nothing for no value."""
    return "–" if value is None else f"{value * 100:.0f} %"


@register.filter
def score(value):
    """A mean rating with two decimals, or a dash."""
    return "–" if value is None else f"{value:.2f}"


@register.filter
def score_band(value):
    """The nearest whole rating 1–4, for a colour that repeats what the number says."""
    return "" if value is None else f"score-band-{min(4, max(1, round(value)))}"
