"""The Jinja2 environment of the few hot partials Django's engine renders too slowly (the
compare table's and the grid's rows): autoescape on, as Django's backend sets it, with the
scoring filters."""

from django.utils.text import Truncator
from jinja2 import Environment

from .templatetags.scoring import percent, score, score_band


def truncatechars(value, length):
    return Truncator(value).chars(length)


def environment(**options):
    env = Environment(**options)
    env.filters.update(
        percent=percent, score=score, score_band=score_band, truncatechars=truncatechars
    )
    return env
