"""The Jinja2 environment of the few hot partials Django's engine renders too slowly (the
compare table's and the grid's rows): autoescape on, as Django's backend sets it, with the
scoring filters."""

from decimal import ROUND_HALF_UP, Decimal

from django.template import engines
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from jinja2 import Environment

from .templatetags.scoring import percent, score, score_band, signed


def truncatechars(value, length):
    return Truncator(value).chars(length)


def fixed(value, places):
    """A number with `places` decimals rounded half up, as `|floatformat:places` writes it,
    without its localisation (nine tenths of its cost, which adds up over a table)."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{rounded + 0:f}" if rounded else f"{abs(rounded):f}"


def day(value):
    """A moment's day in the site's time zone, as `|date:"j M Y"`; empty for none."""
    return date(timezone.localtime(value), "j M Y") if value else ""


def environment(**options):
    env = Environment(**options)
    env.filters.update(
        percent=percent,
        score=score,
        score_band=score_band,
        signed=signed,
        truncatechars=truncatechars,
        fixed=fixed,
        day=day,
    )
    return env


def render_partial(template_name, context):
    """A hot partial rendered by Jinja2, ready to place in a Django template as it is: Jinja2
    escaped every value in it (autoescape on)."""
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))
