"""The Jinja2 environment of the few hot partials Django's engine renders too slowly (the
compare table's and the grid's rows): autoescape on, as Django's backend sets it, with the
scoring filters."""

from django.template import engines
from django.template.defaultfilters import date, floatformat
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from jinja2 import Environment

from .templatetags.scoring import percent, score, score_band, signed


def truncatechars(value, length):
    return Truncator(value).chars(length)


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
        floatformat=floatformat,
        day=day,
    )
    return env


def render_partial(template_name, context):
    """A hot partial rendered by Jinja2, ready to place in a Django template as it is: Jinja2
    escaped every value in it (autoescape on)."""
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))
