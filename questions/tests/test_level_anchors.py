"""Rating anchors: what Poor, Mixed, Good and Excellent mean for each question, in the seed
sets, in admin and in copies."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from questions.models import LevelAnchor, Question
from questions.services import copy_questions_to_set
from questions.tests.factories import LevelAnchorFactory, QuestionFactory, QuestionSetFactory
from questions.tests.test_admin import question_form_data

pytestmark = pytest.mark.django_db


def test_every_seed_question_has_four_distinct_anchors():
    from questions.tests.test_seed_fixtures import load_seeds

    load_seeds()

    for question in Question.objects.all():
        anchors = list(question.anchors.order_by("level"))
        assert [a.level for a in anchors] == [1, 2, 3, 4], question.slug
        texts = [a.text for a in anchors]
        assert all(text and text == text.strip() for text in texts), question.slug
        assert len(set(texts)) == 4, question.slug
        assert all(len(text) <= 500 for text in texts), question.slug
    # Written per question, not a generic scale repeated.
    assert LevelAnchor.objects.values("text").distinct().count() == 160


def test_a_level_is_1_to_4_and_once_per_question():
    anchor = LevelAnchorFactory(level=4)
    with pytest.raises(ValidationError, match="Value 5 is not a valid choice"):
        LevelAnchor(question=anchor.question, level=5, text="Beyond").full_clean()
    with pytest.raises(IntegrityError):
        LevelAnchorFactory(question=anchor.question, level=4)


def test_the_question_admin_has_four_rows_with_fixed_levels(client, curator):
    question = QuestionFactory()
    LevelAnchorFactory(question=question, level=2, text="Some points, vaguely")
    client.force_login(curator)

    response = client.get(reverse("admin:questions_question_change", args=[question.pk]))

    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "anchors"
    )
    assert [form["level"].value() for form in formset.forms] == [2, 1, 3, 4]
    assert [form.fields["level"].disabled for form in formset.forms] == [True] * 4
    assert formset.forms[0]["text"].value() == "Some points, vaguely"


def test_a_curator_writes_the_anchors_and_cannot_change_a_level(client, curator):
    question = QuestionFactory()
    kept = LevelAnchorFactory(question=question, level=2, text="Some points, vaguely")
    client.force_login(curator)
    anchors = [
        # A tampered level is ignored: each row keeps the level the page gave it.
        {"id": kept.pk, "level": 4, "text": "Some points, or vague"},
        {"level": 1, "text": "None of the points"},
        {"level": 3, "text": ""},  # left empty: no anchor for Good
        {"level": 1, "text": "All points with an example"},
    ]
    # The page gives the empty rows levels 1, 3 and 4, in that order.
    response = client.post(
        reverse("admin:questions_question_change", args=[question.pk]),
        question_form_data(question, [], anchors),
    )

    assert response.status_code == 302
    assert list(question.anchors.values_list("level", "text")) == [
        (1, "None of the points"),
        (2, "Some points, or vague"),
        (4, "All points with an example"),
    ]


def test_copying_a_question_copies_its_anchors():
    question = QuestionFactory()
    for level in (1, 2, 3, 4):
        LevelAnchorFactory(question=question, level=level)
    target = QuestionSetFactory()

    (copy,) = copy_questions_to_set(questions=[question], target=target)

    assert list(copy.anchors.values_list("level", "text")) == list(
        question.anchors.values_list("level", "text")
    )
    assert question.anchors.count() == 4


def test_the_bank_page_shows_each_levels_anchor(client, interviewer):
    question = QuestionFactory(question_set__slug="backend")
    LevelAnchorFactory(question=question, level=3, text="The main points, correctly")
    LevelAnchorFactory(question=question, level=1, text="None of the points")
    client.force_login(interviewer)

    response = client.get(reverse("question_set_detail", args=["backend"]))

    assert response.text.count('<dt class="col-sm-2 fw-semibold">') == 2
    assert '<dt class="col-sm-2 fw-semibold">1 Poor</dt>' in response.text
    assert '<dd class="col-sm-10 mb-1">The main points, correctly</dd>' in response.text
    assert response.text.index("None of the points") < response.text.index("The main points")
