"""An interview keeps the rating anchors as they were when it was planned."""

import pytest

from interviews.tests.factories import interviewer_user, planned_interview
from questions.models import LevelAnchor
from questions.tests.factories import LevelAnchorFactory, QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


def anchors_of(interview):
    return [
        (asked.position, list(asked.anchors.values_list("level", "text")))
        for asked in interview.questions.all()
    ]


def test_planning_copies_the_anchors_and_later_edits_change_nothing():
    question_set = QuestionSetFactory()
    anchored = QuestionFactory(question_set=question_set, position=1)
    for level in (1, 2, 3, 4):
        LevelAnchorFactory(question=anchored, level=level, text=f"Level {level}")
    QuestionFactory(question_set=question_set, position=2)  # no anchors yet

    interview = planned_interview(
        interviewers=[interviewer_user("alice")], question_set=question_set
    )
    planned = [(1, [(1, "Level 1"), (2, "Level 2"), (3, "Level 3"), (4, "Level 4")]), (2, [])]
    assert anchors_of(interview) == planned

    anchored.anchors.filter(level=3).update(text="Reworded")
    anchored.anchors.filter(level=1).delete()
    LevelAnchor.objects.create(
        question=question_set.questions.get(position=2), level=4, text="New"
    )

    assert anchors_of(interview) == planned
