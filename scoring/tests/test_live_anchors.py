"""The live page carries each asked question's rating anchors, as planned; a follow-up added
live has none, and says so."""

import pytest
from django.urls import reverse

from interviews.services import add_follow_up
from interviews.tests.factories import planned_interview
from questions.tests.factories import LevelAnchorFactory, QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


def test_the_live_page_has_the_planned_anchors_and_a_note_for_follow_ups(client, alice):
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set, position=1)
    for level in (1, 2, 3, 4):
        LevelAnchorFactory(question=question, level=level, text=f"Anchor {level}")
    interview = planned_interview(interviewers=[alice], question_set=question_set)
    add_follow_up(after=interview.questions.get(), interviewer=alice, prompt="Why?")
    question.anchors.filter(level=2).update(text="Edited after planning")
    client.force_login(alice)

    page = client.get(reverse("live_interview", args=[interview.pk])).text

    assert page.count('<p class="rating-anchor ') == 4
    assert (
        '<p class="rating-anchor border-start border-3 ps-2 mb-0" data-level="2">'
        "<strong>2 Mixed:</strong> Anchor 2</p>"
    ) in page
    assert "Edited after planning" not in page
    assert page.count("Follow-ups added live have no rating anchors.") == 1
    assert 'href="/static/css/anchors.css"' in page
