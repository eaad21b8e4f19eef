"""The Jinja2 environment of the few hot partials Django's engine renders too slowly (the
grid's rows): autoescape on, as Django's backend sets it, with the scoring filters."""

from django.utils.text import Truncator
from jinja2 import Environment

from .templatetags.scoring import score, score_band


def truncatechars(value, length):
    return Truncator(value).chars(length)


def environment(**options):
    env = Environment(**options)
    env.filters.update(score=score, score_band=score_band, truncatechars=truncatechars)
    return env
