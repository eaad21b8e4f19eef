"""The live save endpoint as the page uses it: one strict parse of the whole change, one
service call, versions that keep the later edit, no writes on reading, and its query budget."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import limits
from interviews.models import Interview
from interviews.services import add_follow_up
from scoring import services
from scoring.models import PointMark, Rating, Scorecard
from scoring.tests.live_saves import JSON, questions, save_url

pytestmark = pytest.mark.django_db


def stored():
    return (
        list(Rating.objects.order_by("pk").values("score", "skipped", "notes", "versions")),
        list(PointMark.objects.order_by("pk").values("point", "mark")),
        list(Scorecard.objects.order_by("pk").values("pk", "submitted_at")),
    )


@pytest.fixture
def started(client, interview, alice):
    """Alice has pressed Start, which makes her draft scorecard."""
    client.force_login(alice)
    client.post(reverse("start_interview", args=[interview.pk]))
    return interview


def test_reading_the_live_and_finish_pages_writes_nothing(client, interview, alice):
    client.force_login(alice)
    assert client.get(reverse("live_interview", args=[interview.pk])).status_code == 200
    assert client.get(reverse("finish_scorecard", args=[interview.pk])).status_code == 200
    assert Scorecard.objects.count() == 0
    interview.refresh_from_db()
    assert interview.status == "scheduled"


def test_a_refused_live_page_writes_nothing(client, interview, alice):
    Interview.objects.filter(pk=interview.pk).update(status="cancelled")
    client.force_login(alice)
    response = client.get(reverse("live_interview", args=[interview.pk]))
    assert (response.status_code, Scorecard.objects.count()) == (409, 0)
    response = client.post(reverse("start_interview", args=[interview.pk]))
    assert Scorecard.objects.count() == 0
    response = client.post(reverse("finish_scorecard", args=[interview.pk]), {"recommendation": 3})
    assert (response.status_code, Scorecard.objects.count()) == (200, 0)
    assert "This interview is cancelled." in response.text


def test_start_makes_the_draft_and_the_first_save_does_without_it(client, interview, alice, bob):
    client.force_login(alice)
    client.post(reverse("start_interview", args=[interview.pk]))
    assert list(Scorecard.objects.values_list("interviewer__username", flat=True)) == ["alice"]
    client.force_login(bob)
    response = client.post(save_url(interview, questions(interview)[0]), {"score": "2"})
    assert response.status_code == 302
    assert sorted(Scorecard.objects.values_list("interviewer__username", flat=True)) == [
        "alice",
        "bob",
    ]


def test_an_older_change_does_not_overwrite_a_later_one(client, started):
    question = questions(started)[0]
    url = save_url(started, question)
    client.post(url, {"notes": "Later, from tab B", "version": "2000"}, headers=JSON)

    response = client.post(url, {"notes": "Earlier, from tab A", "version": "1000"}, headers=JSON)
    assert (response.status_code, response.json()) == (
        200,
        {
            "saved": True,
            "score": None,
            "skipped": False,
            "notes": "Later, from tab B",
            "versions": {"notes": 2000},
            "stale": ["notes"],
        },
    )
    # The same version again is a retry of the same change: applied, harmlessly.
    response = client.post(url, {"notes": "Later, from tab B", "version": "2000"}, headers=JSON)
    assert response.json()["stale"] == []
    # Each field has its own version: an older score still lands beside newer notes.
    response = client.post(url, {"score": "4", "version": "1500"}, headers=JSON)
    assert (response.json()["score"], response.json()["stale"]) == (4, [])
    response = client.post(url, {"skipped": "1", "version": "1400"}, headers=JSON)
    assert (response.json()["score"], response.json()["skipped"]) == (4, False)
    assert response.json()["stale"] == ["score"]
    rating = Rating.objects.get()
    assert (rating.score, rating.skipped, rating.notes) == (4, False, "Later, from tab B")
    assert rating.versions == {"notes": 2000, "score": 1500}


def test_an_older_mark_answers_with_the_stored_one(client, started):
    question = questions(started)[0]
    first, second, _ = question.points.all()
    url = save_url(started, question)
    client.post(url, {f"mark-{first.pk}": "2", "version": "2000"}, headers=JSON)
    response = client.post(
        url, {f"mark-{first.pk}": "0", f"mark-{second.pk}": "1", "version": "1000"}, headers=JSON
    )
    body = response.json()
    assert (body["marks"], body["stale"]) == (
        {str(first.pk): 2, str(second.pk): 1},
        [f"mark-{first.pk}"],
    )
    client.post(url, {f"mark-{first.pk}": "", "version": "3000"}, headers=JSON)
    response = client.post(url, {f"mark-{first.pk}": "1", "version": "2500"}, headers=JSON)
    assert response.json()["marks"] == {str(first.pk): None}
    assert list(PointMark.objects.values_list("point", "mark")) == [(second.pk, 1)]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"notes": "a\x00b"}, "notes", "Notes: "),
        ({"notes": "bell \x07"}, "notes", "Remove the control characters"),
        ({"notes": "x" * (limits.NOTES + 1)}, "notes", "at most 10,000 characters"),
        ({"score": "３"}, "score", "A rating must be a number, not '３'."),
        ({"score": "5"}, "score", "A rating must be one of 1, 2, 3, 4."),
        ({"score": " 3"}, "score", "A rating must be a number, not ' 3'."),
        ({"skipped": "yes"}, "skipped", "Skipped is 0 or 1, not 'yes'."),
        ({"score": "3", "skipped": "1"}, "skipped", "A skipped question has no rating"),
        ({"mark-POINT": "２"}, "mark-POINT", "A mark must be a number, not '２'."),
        ({"mark-POINT": "3"}, "mark-POINT", "A mark must be one of 0, 1, 2."),
        ({"mark-１": "2"}, "mark-１", "A point's id must be a number, not '１'."),
        ({"version": "soon"}, "version", "A version must be a number, not 'soon'."),
        ({"notes": "fine", "score": "9"}, "score", "A rating must be one of"),
    ],
)
def test_a_bad_change_is_refused_whole_naming_the_field(client, started, data, field, message):
    question = questions(started)[0]
    point = question.points.first()
    data = {key.replace("POINT", str(point.pk)): value for key, value in data.items()}
    field = field.replace("POINT", str(point.pk))
    client.post(save_url(started, question), {"notes": "Kept", "score": "1"}, headers=JSON)
    before = stored()
    response = client.post(save_url(started, question), data, headers=JSON)
    assert (response.status_code, response.json()["field"]) == (400, field)
    assert message in response.json()["error"]
    assert stored() == before


def test_a_mark_of_another_questions_point_is_refused(client, started):
    first, second, _ = questions(started)
    url = save_url(started, first)
    response = client.post(
        url, {"notes": "x", f"mark-{second.points.first().pk}": "2"}, headers=JSON
    )
    assert (response.status_code, response.json()) == (
        400,
        {"error": "That expected point belongs to another question."},
    )
    assert Rating.objects.count() == 0


def test_a_cancelled_interview_takes_no_save_and_keeps_no_draft(client, interview, alice):
    Interview.objects.filter(pk=interview.pk).update(status="cancelled")
    client.force_login(alice)
    response = client.post(
        save_url(interview, questions(interview)[0]), {"score": "2"}, headers=JSON
    )
    assert (response.status_code, response.json()) == (
        409,
        {"error": "This interview is cancelled."},
    )
    assert (Scorecard.objects.count(), Rating.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "change",
    [
        {"score": "3"},
        {"notes": "More notes"},
        {"skipped": "1"},
        {"mark-POINT": "2"},
        {"mark-POINT": ""},
    ],
)
@pytest.mark.parametrize("first_save", [True, False])
def test_an_autosave_takes_at_most_8_queries(client, started, change, first_save):
    question = questions(started)[0]
    point, other, _ = question.points.all()
    change = {
        key.replace("POINT", str(point.pk)).replace("OTHER", str(other.pk)): value
        for key, value in change.items()
    } | {"version": "5000"}
    if not first_save:
        client.post(
            save_url(started, question), {"notes": "x", f"mark-{point.pk}": "0", "version": "1"}
        )
    with CaptureQueriesContext(connection) as context:
        response = client.post(save_url(started, question), change, headers=JSON)
    assert (response.status_code, response.json()["stale"]) == (200, [])
    # session, user, question, scorecard (locked), rating, its write, marks, session's save;
    # not counted: BEGIN and COMMIT (SQLite logs them) and the test transaction's savepoints
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    queries = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(control)]
    assert len(queries) <= 8, "\n".join(queries)


def test_the_follow_up_fragment_has_its_point_keys(client, started):
    url = reverse("add_follow_up", args=[started.pk, questions(started)[0].pk])
    response = client.post(url, {"prompt": "Why?", "points": "One\nTwo"}, headers=JSON)
    html = response.json()["html"]
    assert ('data-key="a"' in html, 'data-key="s"' in html) == (True, True)


def test_sqlite_takes_the_write_lock_at_begin_and_waits_for_it():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's settings")
    options = connection.settings_dict["OPTIONS"]
    assert (options["transaction_mode"], options["timeout"]) == ("IMMEDIATE", 20)
    assert "PRAGMA journal_mode=WAL" in options["init_command"]


def test_service_refuses_a_colleagues_follow_up(started, alice, bob):
    theirs = add_follow_up(after=questions(started)[0], interviewer=bob, prompt="Bob's")
    with pytest.raises(ValidationError):
        services.save_answer(interview_question=theirs, interviewer=alice, score=2)


@pytest.mark.parametrize(
    "summary, message",
    [
        ("Hire\x00", "Remove the control characters (such as NUL) from this text."),
        ("x" * (limits.SUMMARY + 1), "This is at most 10,000 characters"),
    ],
)
def test_the_finish_summary_is_limited_and_plain(client, started, summary, message):
    url = reverse("finish_scorecard", args=[started.pk])
    response = client.post(url, {"recommendation": "3", "summary": summary})
    assert (response.status_code, message in response.text) == (200, True)
    assert Scorecard.objects.get().is_submitted is False


def test_the_amendment_form_is_limited_and_plain(client, started, alice):
    question = questions(started)[0]
    client.post(reverse("finish_scorecard", args=[started.pk]), {"recommendation": "3"})
    scorecard = Scorecard.objects.get()
    assert scorecard.is_submitted
    response = client.post(
        reverse("amend_scorecard", args=[scorecard.pk]),
        {
            "reason": "Typo\x00",
            "recommendation": "3",
            "summary": "x" * (limits.SUMMARY + 1),
            f"score_{question.pk}": "３",
            f"notes_{question.pk}": "\x1b[31m",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert sorted(form.errors) == sorted(
        ["reason", "summary", f"score_{question.pk}", f"notes_{question.pk}"]
    )
    assert scorecard.amendments.count() == 0


def test_a_save_without_a_version_applies_and_leaves_the_versions(client, started):
    question = questions(started)[0]
    url = save_url(started, question)
    client.post(url, {"notes": "From the page", "version": "2000"}, headers=JSON)
    response = client.post(url, {"notes": "From the plain form"}, headers=JSON)
    assert (response.json()["notes"], response.json()["versions"]) == (
        "From the plain form",
        {"notes": 2000},
    )


@pytest.mark.parametrize(
    ("anonymised", "notes", "warned"),
    [
        (True, "Ada was clear on caching", True),
        (True, "Clear on caching", False),
        (False, "Ada was clear on caching", False),
    ],
)
def test_a_note_naming_the_candidate_of_an_anonymised_interview_is_kept_and_flagged(
    client, started, anonymised, notes, warned
):
    Interview.objects.filter(pk=started.pk).update(anonymised=anonymised)
    question = questions(started)[0]
    reply = client.post(
        save_url(started, question), {"notes": notes, "version": "1"}, headers=JSON
    ).json()
    assert reply.get("names_candidate", False) is warned
    assert Rating.objects.get().notes == notes
