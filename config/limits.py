"""How much a person may type into each field, stated once: forms, services and the README's
security section all read these, so a limit changes in one place."""

import re

from django.core.exceptions import ValidationError

# The live page and scorecards.
NOTES = 10_000  # an answer's notes
SUMMARY = 10_000  # a scorecard's summary, and an amendment's reason
RATIONALE = 10_000  # a hiring decision's rationale, and the reason to decide early or reopen
LEVEL = 100  # the level offered with a decision (the model's column size)
FOLLOW_UP_PROMPT = 1_000
FOLLOW_UP_POINTS = 12  # expected points of one follow-up
POINT_TEXT = 500  # one expected point (the models' column size)

# The bank, written by curators: a question's prompt, intent, guidance and reference answer,
# a set's description.
BANK_TEXT = 10_000

# Candidates and searches.
CANDIDATE_NOTES = 10_000
SEARCH = 200  # a search box or a filter in a query string
URL = 2_000  # a link carried in a query string (?next=), which holds a whole query string
USERNAME = 150  # Django's own username column
PASSWORD = 4_096  # hashing a longer one is only a way to keep the server busy

# Control characters other than tab and line breaks: NUL breaks PostgreSQL, the rest are never
# typed by a person.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(value: str) -> None:
    """A validator for any text field."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the control characters (such as NUL) from this text.", code="control"
        )


def check_text(value: str, *, limit: int, what: str) -> str:
    """The text, if it is at most `limit` characters and has no control characters; a
    ValidationError naming `what` otherwise. For services that take text outside a form."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            f"{what} contains control characters (such as NUL): remove them.", code="control"
        )
    if len(value) > limit:
        raise ValidationError(
            f"{what} is at most {limit:,} characters (this has {len(value):,}).", code="too_long"
        )
    return value
