from django import template

from notifications.selectors import waiting_scorecards

register = template.Library()


@register.simple_tag
def scorecards_waiting(user):
    """How many scorecards the user owes, for the navigation: one query."""
    return waiting_scorecards(user)
