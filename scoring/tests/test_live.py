import json
import uuid

import pytest
from django.urls import reverse

from interviews.models import InterviewQuestion
from interviews.services import add_follow_up
from interviews.tests.factories import planned_interview
from scoring import services
from scoring.models import PointMark, Rating, Recommendation, Scorecard
from scoring.tests.live_saves import JSON, questions, save_url

pytestmark = pytest.mark.django_db


def stored(interview):
    """Everything scored for the interview, to show that a refused request changed nothing."""
    return (
        list(Rating.objects.order_by("pk").values("score", "skipped", "notes")),
        list(PointMark.objects.order_by("pk").values("point", "mark")),
        list(Scorecard.objects.order_by("pk").values("recommendation", "submitted_at")),
    )


def test_the_live_page_shows_the_plan_to_an_assigned_interviewer(client, interview, alice):
    client.force_login(alice)
    response = client.get(reverse("live_interview", args=[interview.pk]))
    assert response.status_code == 200
    assert [q.pk for q in response.context["questions"]] == [q.pk for q in questions(interview)]
    first = questions(interview)[0]
    assert first.prompt in response.text
    assert first.points.first().text in response.text
    assert 'data-state="untouched"' in response.text


def test_the_live_page_leaves_htmx_out_and_every_other_page_keeps_it(client, interview, alice):
    # The live page runs on its own modules; htmx would be 17 KB of its first load for
    # nothing, which is safe only while the page uses no hx- attribute.
    client.force_login(alice)
    live = client.get(reverse("live_interview", args=[interview.pk])).text
    assert "vendor/htmx/" not in live
    assert " hx-" not in live
    assert "vendor/htmx/" in client.get(reverse("home"), follow=True).text


@pytest.mark.parametrize("who", ["carol", "hiring_manager", "curator"])
def test_the_live_page_is_404_for_anyone_not_assigned(client, interview, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("live_interview", args=[interview.pk])).status_code == 404
    assert Scorecard.objects.count() == 0


def test_an_unknown_interview_is_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("live_interview", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_live_page_queries_do_not_grow_with_questions(
    client, alice, bob, django_assert_num_queries, size
):
    interview = planned_interview(interviewers=[alice, bob], questions=size, points=3)
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    for question in questions(interview):
        services.save_answer(
            interview_question=question, interviewer=scorecard.interviewer, score=2
        )
        services.save_answer(
            interview_question=question,
            interviewer=scorecard.interviewer,
            marks={question.points.first().pk: 2},
        )
    client.force_login(alice)
    # session, user, permissions and waiting scorecards (navigation), interview, scorecard,
    # ratings, marks, questions, points, anchors
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(14):
        response = client.get(reverse("live_interview", args=[interview.pk]))
    assert len(response.context["questions"]) == size


def test_each_field_saves_on_its_own(client, interview, alice):
    client.force_login(alice)
    question = questions(interview)[0]
    point = question.points.first()
    url = save_url(interview, question)

    response = client.post(url, {"score": "3", "version": "1000"}, headers=JSON)
    assert (response.status_code, response.json()) == (
        200,
        {"saved": True, "score": 3, "skipped": False, "versions": {"score": 1000}, "stale": []},
    )
    client.post(url, {"notes": "Talked about Redis."}, headers=JSON)
    client.post(url, {f"mark-{point.pk}": "1"}, headers=JSON)

    rating = Rating.objects.get()
    assert (rating.score, rating.notes, rating.scorecard.interviewer) == (
        3,
        "Talked about Redis.",
        alice,
    )
    assert list(rating.marks.values_list("point", "mark")) == [(point.pk, 1)]

    client.post(url, {"skipped": "1"}, headers=JSON)
    rating.refresh_from_db()
    assert (rating.score, rating.skipped) == (None, True)


def test_a_retried_save_changes_nothing_more(client, interview, alice):
    client.force_login(alice)
    question = questions(interview)[0]
    point = question.points.first()
    for _ in range(3):
        response = client.post(
            save_url(interview, question), {"score": "4", f"mark-{point.pk}": "2"}, headers=JSON
        )
        assert response.status_code == 200
    assert list(Rating.objects.values_list("score", flat=True)) == [4]
    assert list(PointMark.objects.values_list("mark", flat=True)) == [2]


def test_the_plain_form_saves_everything_and_comes_back(client, interview, alice):
    client.force_login(alice)
    question = questions(interview)[0]
    first, second, _ = question.points.all()
    response = client.post(
        save_url(interview, question),
        {
            "score": "2",
            "notes": "Without JavaScript",
            "skipped": ["0"],
            f"mark-{first.pk}": "2",
            f"mark-{second.pk}": "0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("live_interview", args=[interview.pk]) + (
        f"#q-{question.pk}"
    )
    rating = Rating.objects.get()
    assert (rating.score, rating.skipped, rating.notes) == (2, False, "Without JavaScript")
    assert sorted(rating.marks.values_list("point", "mark")) == [(first.pk, 2), (second.pk, 0)]


def test_the_plain_form_can_skip(client, interview, alice):
    client.force_login(alice)
    question = questions(interview)[0]
    # "Not rated" is the plain form's empty score, beside the hidden "0" and the checkbox.
    client.post(save_url(interview, question), {"score": "", "skipped": ["0", "1"]})
    rating = Rating.objects.get()
    assert (rating.score, rating.skipped) == (None, True)


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"score": "5"}, 400, "A rating must be one of 1, 2, 3, 4."),
        ({"score": "0"}, 400, "A rating must be one of 1, 2, 3, 4."),
        ({"score": "three"}, 400, "A rating must be a number, not 'three'."),
        ({"mark-POINT": "7"}, 400, "A mark must be one of 0, 1, 2."),
        ({"mark-OTHER": "2"}, 400, "That expected point belongs to another question."),
        ({"mark-999999": "2"}, 400, "That expected point belongs to another question."),
        ({"score": "3", "mark-OTHER": "2"}, 400, "That expected point belongs"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, interview, alice, data, status, message):
    client.force_login(alice)
    first, second, _ = questions(interview)
    point, other = first.points.first(), second.points.first()
    data = {
        key.replace("POINT", str(point.pk)).replace("OTHER", str(other.pk)): value
        for key, value in data.items()
    }
    services.save_answer(
        interview_question=first,
        interviewer=services.scorecard_for(interview=interview, interviewer=alice).interviewer,
        score=1,
    )
    before = stored(interview)
    response = client.post(save_url(interview, first), data, headers=JSON)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert stored(interview) == before


def test_writes_by_someone_not_assigned_are_404_and_change_nothing(client, interview, carol):
    client.force_login(carol)
    question = questions(interview)[0]
    response = client.post(save_url(interview, question), {"score": "3"}, headers=JSON)
    assert response.status_code == 404
    response = client.post(
        reverse("add_follow_up", args=[interview.pk, question.pk]), {"prompt": "Hm?"}
    )
    assert response.status_code == 404
    assert (Rating.objects.count(), Scorecard.objects.count()) == (0, 0)
    assert InterviewQuestion.objects.filter(added_by=carol).count() == 0


def test_unknown_and_foreign_question_ids_are_404(client, interview, alice, bob):
    client.force_login(alice)
    other = planned_interview(interviewers=[bob])
    for question_pk in [999999, questions(other)[0].pk]:
        url = reverse("save_answer", args=[interview.pk, question_pk])
        assert client.post(url, {"score": "3"}, headers=JSON).status_code == 404
    assert Rating.objects.count() == 0


def test_a_submitted_scorecard_takes_no_more_writes(client, interview, alice):
    client.force_login(alice)
    question = questions(interview)[0]
    client.post(save_url(interview, question), {"score": "2"}, headers=JSON)
    services.submit_scorecard(
        scorecard=Scorecard.objects.get(), recommendation=Recommendation.NO, summary=""
    )
    before = stored(interview)
    response = client.post(save_url(interview, question), {"score": "4"}, headers=JSON)
    assert response.status_code == 409
    assert response.json() == {"error": "This scorecard was submitted and can no longer change."}
    response = client.post(
        reverse("add_follow_up", args=[interview.pk, question.pk]),
        {"prompt": "One more?"},
        headers=JSON,
    )
    assert response.status_code == 409
    assert stored(interview) == before
    assert interview.questions.count() == 3


def test_a_save_is_post_only(client, interview, alice):
    client.force_login(alice)
    assert client.get(save_url(interview, questions(interview)[0])).status_code == 405


def test_starting_the_interview(client, interview, alice):
    client.force_login(alice)
    assert client.get(reverse("start_interview", args=[interview.pk])).status_code == 405
    response = client.post(reverse("start_interview", args=[interview.pk]))
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "in_progress"
    assert interview.started_at is not None


def test_adding_a_follow_up_after_a_question(client, interview, alice):
    client.force_login(alice)
    first = questions(interview)[0]
    key = str(uuid.uuid4())
    url = reverse("add_follow_up", args=[interview.pk, first.pk])
    data = {
        "prompt": "And how would you invalidate it?",
        "points": "TTL\n\nEvents\n",
        "client_key": key,
    }
    response = client.post(url, data, headers=JSON)
    assert response.status_code == 200
    body = response.json()
    follow_up = InterviewQuestion.objects.get(pk=body["id"])
    assert (follow_up.position, follow_up.follow_up_number, follow_up.added_by) == (
        first.position,
        1,
        alice,
    )
    assert list(follow_up.points.values_list("position", "text")) == [(1, "TTL"), (2, "Events")]
    assert "And how would you invalidate it?" in body["html"]
    assert f'data-nav="{follow_up.pk}"' in body["navigator_html"]
    assert [q.pk for q in questions(interview)][:2] == [first.pk, follow_up.pk]

    # The same request again (a retry) adds nothing.
    assert client.post(url, data, headers=JSON).json()["id"] == follow_up.pk
    assert interview.questions.count() == 4


def test_a_follow_up_needs_a_prompt(client, interview, alice):
    client.force_login(alice)
    url = reverse("add_follow_up", args=[interview.pk, questions(interview)[0].pk])
    response = client.post(url, {"prompt": "  "}, headers=JSON)
    assert (response.status_code, response.json()) == (
        400,
        {"error": "Write the follow-up question."},
    )
    response = client.post(url, {"prompt": "Why?", "client_key": "nope"}, headers=JSON)
    assert response.status_code == 400
    assert interview.questions.count() == 3


def test_a_follow_up_without_a_prompt_posted_without_javascript_says_so_beside_the_field(
    client, interview, alice
):
    client.force_login(alice)
    first = questions(interview)[0]
    url = reverse("add_follow_up", args=[interview.pk, first.pk])
    response = client.post(url, {"prompt": "  ", "points": "TTL"})
    assert response.status_code == 400
    assert response.templates[0].name == "scoring/live.html"
    assert response.context["follow_up_error"] == {
        "after": first.pk,
        "prompt": "  ",
        "message": "Write the follow-up question.",
    }
    html = response.content.decode()
    assert (
        f'<div class="invalid-feedback" id="follow-up-error-{first.pk}" data-follow-up-error>'
        "Write the follow-up question.</div>"
    ) in html
    assert html.count("is-invalid") == 1
    assert interview.questions.count() == 3


def test_finishing_reviews_what_is_unrated_then_submits(client, interview, alice):
    client.force_login(alice)
    first, second, third = questions(interview)
    client.post(save_url(interview, first), {"score": "3"}, headers=JSON)
    client.post(save_url(interview, second), {"skipped": "1"}, headers=JSON)
    url = reverse("finish_scorecard", args=[interview.pk])

    response = client.get(url)
    assert [q.pk for q in response.context["unrated"]] == [second.pk, third.pk]
    assert response.context["rated_count"] == 1

    response = client.post(url, {"summary": "No decision"})
    assert response.status_code == 200
    assert "Choose a recommendation: there is no neutral option." in response.text
    assert not Scorecard.objects.get().is_submitted

    response = client.post(url, {"recommendation": "4", "summary": "Hire."})
    assert response.status_code == 302
    assert response["Location"] == reverse("interview_scorecards", args=[interview.pk])
    scorecard = Scorecard.objects.get()
    assert (scorecard.recommendation, scorecard.summary, scorecard.is_submitted) == (
        4,
        "Hire.",
        True,
    )
    live = client.get(reverse("live_interview", args=[interview.pk]))
    assert live["Location"] == reverse("interview_scorecards", args=[interview.pk])


def test_the_page_renders_a_follow_up_with_its_points(client, interview, alice):
    add_follow_up(
        after=questions(interview)[1], interviewer=alice, prompt="Say more?", points=["Detail"]
    )
    client.force_login(alice)
    response = client.get(reverse("live_interview", args=[interview.pk]))
    assert "Question 2.1 · follow-up" in response.text
    assert json.dumps("Detail")[1:-1] in response.text


def test_an_interviewer_who_submitted_does_not_start_the_interview(client, interview, alice):
    services.submit_scorecard(
        scorecard=services.scorecard_for(interview=interview, interviewer=alice),
        recommendation=Recommendation.YES,
        summary="",
    )
    client.force_login(alice)
    client.post(reverse("start_interview", args=[interview.pk]))
    interview.refresh_from_db()
    assert (interview.status, interview.started_at) == ("scheduled", None)
