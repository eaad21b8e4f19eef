"""Every text a user can enter is escaped on every page that shows it, the admin included.

Each field holds its own name and then a script or HTML payload, so that a failure names the
field. Each page is rendered once per payload, as a user allowed to see it, and must show the
escaped field (proof it was rendered at all) and nothing of any payload unescaped. The
compare page and the grid, drawn from template partials, are also parsed: each text comes
out as the text and attribute values it was. The CSV exports are not HTML: they keep the
text verbatim and quote what a spreadsheet would run."""

import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode

import markupsafe
import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from interviews import services as interview_services
from interviews.models import Candidate, Interview, InterviewQuestion
from interviews.tests.factories import CandidateFactory, interviewer_user
from notifications import services as scheduling
from questions.models import Question, QuestionSet, Topic
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    TopicFactory,
)
from scoring import results, services
from scoring.models import Mark, Recommendation, Scorecard

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script": '<script>alert("x")</script>',
    "img": "<img src=x onerror=alert(1)>",
    "svg": '"><svg onload=alert(1)>',
    "textarea": "</textarea><script>alert(2)</script>",
    "attribute": "' onmouseover='alert(3)",
}
# Whichever field carries a payload, and however it is cut short, none of these may appear.
UNESCAPED = ["<script>alert", "<img src=x onerror", "<svg onload", "' onmouseover='"]
USERNAMES = ["ivy", "olive", "harper", "cora", "sam"]


def query(**params):
    return urlencode(params, doseq=True)


@dataclass
class World:
    """One interview of a hostile candidate on a hostile question set: Ivy submitted her
    scorecard (with a follow-up, notes and a summary) and amended it; Olive's is a draft."""

    payload: str
    text: dict
    topic: Topic
    question_set: QuestionSet
    question: Question
    candidate: Candidate
    other_candidate: Candidate
    interview: Interview
    asked: InterviewQuestion
    scorecard: Scorecard

    def interviewer(self, username):
        return self.interview.interviewers.get(username=username)


@pytest.fixture(params=PAYLOADS.values(), ids=PAYLOADS.keys())
def world(request, interviewer, hiring_manager, curator, superuser):
    payload = request.param
    text = {}

    def hostile(field):
        text[field] = f"{field} {payload}"
        return text[field]

    ivy, olive = interviewer, interviewer_user("olive")
    for user in (ivy, olive, hiring_manager, curator, superuser):
        user.first_name = hostile(f"{user.username}.first_name")
        user.last_name = hostile(f"{user.username}.last_name")
        user.save()

    topic = TopicFactory(name=hostile("topic.name"))
    question_set = QuestionSetFactory(
        title=hostile("set.title"),
        description=hostile("set.description"),
        source=hostile("set.source"),
    )
    question = QuestionFactory(
        question_set=question_set,
        topic=topic,
        prompt=hostile("question.prompt"),
        intent=hostile("question.intent"),
        guidance=hostile("question.guidance"),
        reference_answer=hostile("question.reference_answer"),
    )
    AnswerPointFactory(question=question, text=hostile("point.text"))
    QuestionFactory(
        question_set=question_set,
        topic=topic,
        prompt=hostile("retired_question.prompt"),
        is_active=False,
    )
    # Set through the ORM: the form's validator would refuse this address.
    candidate = CandidateFactory(
        name=hostile("candidate.name"),
        email=hostile("candidate.email"),
        role_applied_for=hostile("candidate.role"),
        notes=hostile("candidate.notes"),
    )
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    interview = scheduling.schedule_interview(
        candidate=candidate,
        question_set=question_set,
        stage=hostile("interview.stage"),
        scheduled_at=tomorrow,
        interviewers=[ivy, olive],
        questions=[question],
        created_by=hiring_manager,
    )
    # A second candidate on the same set, for the side-by-side grid.
    other_candidate = CandidateFactory(name="Other candidate")
    scheduling.schedule_interview(
        candidate=other_candidate,
        question_set=question_set,
        stage="Technical interview",
        scheduled_at=tomorrow,
        interviewers=[olive],
        questions=[question],
    )

    asked = interview.questions.get()
    follow_up = interview_services.add_follow_up(
        after=asked,
        interviewer=ivy,
        prompt=hostile("follow_up.prompt"),
        points=[hostile("follow_up.point")],
    )
    scorecard = services.scorecard_for(interview=interview, interviewer=ivy)
    for question_asked, notes in ((asked, "rating.notes"), (follow_up, "follow_up.notes")):
        services.save_answer(
            interview_question=question_asked, interviewer=scorecard.interviewer, score=3
        )
        services.save_answer(
            interview_question=question_asked,
            interviewer=scorecard.interviewer,
            marks={question_asked.points.get().pk: Mark.COVERED},
        )
        services.save_answer(
            interview_question=question_asked,
            interviewer=scorecard.interviewer,
            notes=hostile(notes),
        )
    services.submit_scorecard(
        scorecard=scorecard,
        recommendation=Recommendation.YES,
        summary=hostile("scorecard.summary"),
    )
    services.amend_scorecard(
        scorecard=scorecard,
        author=ivy,
        reason=hostile("amendment.reason"),
        recommendation=Recommendation.YES,
        summary=text["scorecard.summary"],
        answers={asked.pk: (4, hostile("amended.notes"))},
    )
    services.save_answer(
        interview_question=asked,
        interviewer=services.scorecard_for(interview=interview, interviewer=olive).interviewer,
        notes=hostile("draft.notes"),
    )
    # Texts typed into forms and search boxes by the tests, not stored beforehand.
    for field in (
        "typed.search",
        "typed.candidate.name",
        "typed.interview.stage",
        "typed.rating.notes",
        "typed.scorecard.summary",
        "typed.amendment.reason",
        "typed.follow_up.prompt",
        "typed.follow_up.point",
    ):
        hostile(field)
    return World(
        payload=payload,
        text=text,
        topic=topic,
        question_set=question_set,
        question=question,
        candidate=candidate,
        other_candidate=other_candidate,
        interview=interview,
        asked=asked,
        scorecard=scorecard,
    )


def escaping_problems(html, world, shown=()):
    """Any field's text or payload that `html` holds unescaped, and the fields in `shown`
    that it does not hold escaped."""
    unescaped = [field for field, value in world.text.items() if value in html]
    unescaped += [fragment for fragment in UNESCAPED if fragment in html]
    # Django escapes quotes as &quot; and &#x27;, Jinja2 (the grid's rows) as &#34; and &#39;.
    missing = [
        field
        for field in shown
        if escape(world.text[field]) not in html
        and markupsafe.escape(world.text[field]) not in html
    ]
    return [f"unescaped: {item}" for item in unescaped] + [f"not shown: {f}" for f in missing]


def names(*usernames):
    return tuple(f"{u}.{part}" for u in usernames for part in ("first_name", "last_name"))


BANK_QUESTION = (
    "question.prompt",
    "question.intent",
    "question.guidance",
    "question.reference_answer",
    "point.text",
    "topic.name",
)
INTERVIEW = ("candidate.name", "interview.stage", "set.title")


def schedule_form(world, question, stage="Second round"):
    return {
        "candidate": world.candidate.pk,
        "stage": stage,
        "scheduled_at": "2030-01-07T10:00",
        "interviewers": [world.interviewer("ivy").pk],
        "question_set": world.question_set.pk,
        "questions": [question.pk],
    }


@dataclass
class Page:
    name: str
    username: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    # The form to post instead of a plain GET; the page after any redirect is checked.
    post: Callable[[World], dict] | None = None


PAGES = [
    # The question bank, for anyone signed in.
    Page(
        "question_sets",
        "ivy",
        lambda w: reverse("question_sets"),
        ("set.title", "set.description"),
    ),
    Page(
        "question_set_detail",
        "ivy",
        lambda w: reverse("question_set_detail", args=[w.question_set.slug]),
        ("set.title", "set.description", "set.source", *BANK_QUESTION),
    ),
    Page(
        "question_set_search",
        "ivy",
        lambda w: (
            reverse("question_set_detail", args=[w.question_set.slug])
            + "?"
            + query(q=w.text["typed.search"])
        ),
        ("typed.search",),
    ),
    # Hiring managers' pages.
    Page(
        "candidate_list",
        "harper",
        lambda w: reverse("candidate_list"),
        ("candidate.name", "candidate.email", "candidate.role"),
    ),
    Page(
        "candidate_search",
        "harper",
        lambda w: reverse("candidate_list") + "?" + query(q=w.text["typed.search"]),
        ("typed.search",),
    ),
    Page(
        "candidate_create",
        "harper",
        lambda w: reverse("candidate_create"),
        ("typed.candidate.name",),
        post=lambda w: {"name": w.text["typed.candidate.name"], "email": "new@example.com"},
    ),
    Page(
        "candidate_edit",
        "harper",
        lambda w: reverse("candidate_edit", args=[w.candidate.pk]),
        (
            "candidate.name",
            "candidate.email",
            "candidate.role",
            "candidate.notes",
            "interview.stage",
            "set.title",
        ),
    ),
    Page(
        "interview_list",
        "harper",
        lambda w: reverse("interview_list"),
        (*INTERVIEW, *names("ivy", "olive")),
    ),
    Page(
        "interview_detail",
        "harper",
        lambda w: reverse("interview_detail", args=[w.interview.pk]),
        (
            *INTERVIEW,
            "candidate.role",
            "question.prompt",
            "point.text",
            "topic.name",
            *names("ivy", "olive"),
        ),
    ),
    Page(
        "schedule_interview",
        "harper",
        lambda w: (
            reverse("schedule_interview")
            + "?"
            + query(
                candidate=w.candidate.pk,
                question_set=w.question_set.pk,
                stage=w.text["interview.stage"],
            )
        ),
        (*INTERVIEW, "question.prompt", "topic.name", *names("ivy", "olive")),
    ),
    Page(
        "schedule_interview_done",  # the new interview's page, and a message naming it
        "harper",
        lambda w: reverse("schedule_interview"),
        ("typed.interview.stage", "candidate.name"),
        post=lambda w: schedule_form(w, w.question, stage=w.text["typed.interview.stage"]),
    ),
    Page(
        "schedule_interview_refused",  # the service names the question it refuses
        "harper",
        lambda w: reverse("schedule_interview"),
        ("retired_question.prompt",),
        post=lambda w: schedule_form(w, w.question_set.questions.get(is_active=False)),
    ),
    Page(
        "interview_scorecards",
        "harper",
        lambda w: reverse("interview_scorecards", args=[w.interview.pk]),
        (*INTERVIEW, "scorecard.summary", *names("ivy")),
    ),
    Page(
        "scorecard_detail",
        "harper",
        lambda w: reverse("scorecard_detail", args=[w.scorecard.pk]),
        (
            *INTERVIEW,
            "scorecard.summary",
            "question.prompt",
            "point.text",
            "topic.name",
            "follow_up.prompt",
            "follow_up.point",
            "follow_up.notes",
            "amended.notes",
            "rating.notes",  # what the amendment changed
            "amendment.reason",
            *names("ivy"),
        ),
    ),
    Page(
        "candidate_detail",
        "harper",
        lambda w: reverse("candidate_detail", args=[w.candidate.pk]),
        (
            *INTERVIEW,
            "candidate.email",
            "candidate.role",
            "candidate.notes",
            "topic.name",
            *names("ivy", "olive"),
        ),
    ),
    Page(
        "compare",
        "harper",
        lambda w: reverse("compare") + "?" + query(set=w.question_set.slug),
        ("set.title", "candidate.name", "candidate.role", "topic.name"),
    ),
    Page(
        "compare_grid",
        "harper",
        lambda w: (
            reverse("compare_grid")
            + "?"
            + query(set=w.question_set.slug, candidate=[w.candidate.pk, w.other_candidate.pk])
        ),
        ("set.title", "candidate.name", "question.prompt", "topic.name"),
    ),
    # Interviewers' pages: Olive has not submitted, Ivy has.
    Page("my_interviews", "olive", lambda w: reverse("my_interviews"), INTERVIEW),
    Page(
        "live_interview",
        "olive",
        lambda w: reverse("live_interview", args=[w.interview.pk]),
        (*INTERVIEW, *BANK_QUESTION, "draft.notes"),
    ),
    Page(
        "finish_scorecard",
        "olive",
        lambda w: reverse("finish_scorecard", args=[w.interview.pk]),
        (*INTERVIEW, "question.prompt"),
    ),
    Page(
        "finish_scorecard_refused",  # no recommendation: the summary comes back
        "olive",
        lambda w: reverse("finish_scorecard", args=[w.interview.pk]),
        ("typed.scorecard.summary",),
        post=lambda w: {"summary": w.text["typed.scorecard.summary"]},
    ),
    Page(
        "save_answer",  # the plain form post, back on the live page
        "olive",
        lambda w: reverse("save_answer", args=[w.interview.pk, w.asked.pk]),
        ("typed.rating.notes", "question.prompt"),
        post=lambda w: {"notes": w.text["typed.rating.notes"]},
    ),
    Page(
        "amend_scorecard",
        "ivy",
        lambda w: reverse("amend_scorecard", args=[w.scorecard.pk]),
        (
            "candidate.name",
            "interview.stage",
            "scorecard.summary",
            "question.prompt",
            "follow_up.prompt",
            "amended.notes",
            "follow_up.notes",
        ),
    ),
    Page(
        "amend_scorecard_refused",  # no recommendation: the reason comes back
        "ivy",
        lambda w: reverse("amend_scorecard", args=[w.scorecard.pk]),
        ("typed.amendment.reason",),
        post=lambda w: {"reason": w.text["typed.amendment.reason"]},
    ),
    # The curation admin, for a question curator.
    Page(
        "admin_topic_changelist",
        "cora",
        lambda w: reverse("admin:questions_topic_changelist"),
        ("topic.name",),
    ),
    Page(
        "admin_topic_change",
        "cora",
        lambda w: reverse("admin:questions_topic_change", args=[w.topic.pk]),
        ("topic.name",),
    ),
    Page(
        "admin_questionset_changelist",
        "cora",
        lambda w: reverse("admin:questions_questionset_changelist"),
        ("set.title",),
    ),
    Page(
        "admin_questionset_change",
        "cora",
        lambda w: reverse("admin:questions_questionset_change", args=[w.question_set.pk]),
        ("set.title", "set.description", "set.source", "question.prompt", "topic.name"),
    ),
    Page(
        "admin_question_changelist",
        "cora",
        lambda w: reverse("admin:questions_question_changelist"),
        ("question.prompt", "set.title", "topic.name"),
    ),
    Page(
        "admin_question_change",
        "cora",
        lambda w: reverse("admin:questions_question_change", args=[w.question.pk]),
        ("set.title", *BANK_QUESTION),
    ),
    Page(
        "admin_question_copy_to_set",
        "cora",
        lambda w: reverse("admin:questions_question_changelist"),
        ("set.title", "question.prompt"),
        post=lambda w: {"action": "copy_to_set", ACTION_CHECKBOX_NAME: [w.question.pk]},
    ),
    # People, for a superuser.
    Page(
        "admin_user_changelist",
        "sam",
        lambda w: reverse("admin:auth_user_changelist"),
        names(*USERNAMES),
    ),
    Page(
        "admin_user_change",
        "sam",
        lambda w: reverse("admin:auth_user_change", args=[w.interviewer("ivy").pk]),
        names("ivy"),
    ),
]


def test_every_page_escapes_what_users_typed(client, world, django_user_model):
    problems = {}
    for page in PAGES:
        user = django_user_model.objects.get(username=page.username)
        client.force_login(user)
        url = page.url(world)
        if page.post:
            response = client.post(url, page.post(world), follow=True)
        else:
            response = client.get(url)
        # The admin greets by first name; the site's navigation shows the full name.
        if url.startswith(reverse("admin:index")):
            signed_in = (f"{user.username}.first_name",)
        else:
            signed_in = names(user.username)
        if response.status_code != 200:
            problems[page.name] = [f"status {response.status_code}"]
        elif found := escaping_problems(response.text, world, page.shows + signed_in):
            problems[page.name] = found
    assert problems == {}


# A tag and an attribute breaker are enough for this sweep, which only looks for leaks.
@pytest.mark.parametrize(
    "world",
    [PAYLOADS["script"], PAYLOADS["attribute"]],
    ids=["script", "attribute"],
    indirect=True,
)
def test_every_admin_page_escapes_what_users_typed(client, world, superuser):
    """The changelist and change form of every model in the admin, including any registered
    after this test was written."""
    client.force_login(superuser)
    problems = {}
    for model in admin.site._registry:  # no public way to list the registered models
        opts = model._meta
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        urls += [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            for pk in model._default_manager.values_list("pk", flat=True)[:3]
        ]
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                problems[url] = [f"status {response.status_code}"]
            elif found := escaping_problems(response.text, world):
                problems[url] = found
    assert problems == {}


def test_a_follow_up_added_live_comes_back_escaped(client, world):
    olive = world.interviewer("olive")
    client.force_login(olive)
    response = client.post(
        reverse("add_follow_up", args=[world.interview.pk, world.asked.pk]),
        {
            "prompt": world.text["typed.follow_up.prompt"],
            "points": world.text["typed.follow_up.point"],
        },
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200
    data = json.loads(response.content)
    typed = ("typed.follow_up.prompt", "typed.follow_up.point")
    assert escaping_problems(data["html"], world, typed) == []
    assert escaping_problems(data["navigator_html"], world) == []
    live = client.get(reverse("live_interview", args=[world.interview.pk]))
    assert escaping_problems(live.text, world, typed) == []


def read_csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_csv_exports_keep_text_verbatim_and_quote_formulas(client, world, hiring_manager):
    # Text a spreadsheet would run: each of = + - @ opens a formula.
    other = world.other_candidate
    other.name, other.email, other.role_applied_for = "+SUM(1,2)", "-1@example.com", "@SUM(3)"
    other.save()
    results.refresh_results_of(other)  # as saving the candidate's form does
    olive = world.interviewer("olive")
    draft = services.scorecard_for(interview=world.interview, interviewer=olive)
    services.save_answer(interview_question=world.asked, interviewer=draft.interviewer, score=2)
    services.save_answer(
        interview_question=world.asked,
        interviewer=draft.interviewer,
        notes='=HYPERLINK("http://x")',
    )
    services.submit_scorecard(scorecard=draft, recommendation=Recommendation.NO, summary="")
    client.force_login(hiring_manager)
    params = {"set": world.question_set.slug}
    text = world.text

    header, *rows = read_csv(client.get(reverse("compare_csv"), params))
    assert header[-1] == text["topic.name"]
    assert [row[:3] for row in rows] == [
        ["'+SUM(1,2)", "'-1@example.com", "'@SUM(3)"],
        [text["candidate.name"], text["candidate.email"], text["candidate.role"]],
    ]

    header, *rows = read_csv(client.get(reverse("compare_detail_csv"), params))
    columns = ["Candidate", "Role applied for", "Interview", "Prompt", "Topic", "Notes"]
    picked = [[row[header.index(column)] for column in columns] for row in rows]
    interview = [text["candidate.name"], text["candidate.role"], text["interview.stage"]]
    assert picked == [
        [*interview, text["question.prompt"], text["topic.name"], text["amended.notes"]],
        [*interview, text["question.prompt"], text["topic.name"], '\'=HYPERLINK("http://x")'],
        [*interview, text["follow_up.prompt"], text["topic.name"], text["follow_up.notes"]],
    ]


class Elements(HTMLParser):
    """Each element of a page as (tag, attributes, its text with its children's): what a
    browser shows and reads aloud, after the entities are decoded."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found, self.open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.found.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, _, text in self.open:
            text.append(data)

    def all(self, tag, **attrs):
        return [
            (found_attrs, "".join(text))
            for found_tag, found_attrs, text in self.found
            if found_tag == tag and all(found_attrs.get(k) == v for k, v in attrs.items())
        ]


def test_compare_and_the_grid_show_hostile_text_as_text(client, world, hiring_manager):
    """The compare rows, the tally, the grid's cells and the chart are template partials:
    what a user typed comes out as the text and attribute values it was, never as markup."""
    text, candidate = world.text, world.candidate
    client.force_login(hiring_manager)
    page = Elements(client.get(reverse("compare"), {"set": world.question_set.slug}).text)
    row = [attrs for attrs, _ in page.all("tr") if attrs.get("data-candidate")]
    other = world.other_candidate
    assert [attrs["data-candidate"] for attrs in row] == [str(other.pk), str(candidate.pk)]
    assert [a["aria-label"] for a, _ in page.all("input", name="candidate")] == [
        "Pick Other candidate",
        "Pick " + text["candidate.name"],
    ]
    assert [t for a, t in page.all("a") if a.get("href", "").endswith(f"/{candidate.pk}/")] == [
        text["candidate.name"]
    ]
    assert text["candidate.role"] in [t for _, t in page.all("div")]
    assert [t.strip() for _, t in page.all("a", **{"class": "sort-link"})][-1] == text[
        "topic.name"
    ]
    assert [a["aria-label"] for a, _ in page.all("svg", **{"class": "tally-bar"})][-1] == (
        "Recommendations: Strong no 0, No 0, Yes 1, Strong yes 0"
    )

    grid = Elements(
        client.get(
            reverse("compare_grid"),
            {
                "set": world.question_set.slug,
                "candidate": [candidate.pk, world.other_candidate.pk],
            },
        ).text
    )
    ivy = f"{text['ivy.first_name']} {text['ivy.last_name']}"
    number = f"{world.question.position}."
    heading = [t for a, t in grid.all("th", scope="row") if t.startswith(number)]
    prompt = text["question.prompt"]
    prompt = prompt[:89] + "…" if len(prompt) > 90 else prompt
    assert heading == [f"{number} {prompt} · {text['topic.name']}"]
    assert [
        (a["title"], a["data-name"]) for a, _ in grid.all("span", **{"class": "rating-by"})
    ] == [(f"{ivy}: 4 Excellent", ivy)]
    assert [t for _, t in grid.all("span", **{"class": "rating-name"})] == [f"{ivy}:"]
    # The chart: a bar titled with the candidate and topic, the topic's name under its group
    # (wrapped into lines), and the table of its numbers.
    bar = f"{text['candidate.name']}, {text['topic.name']}: "
    assert len([t for _, t in grid.all("title") if t.startswith(bar)]) == 1
    assert len(grid.all("text", **{"class": "chart-label"})) == 1
    lines = [line for _, line in grid.all("tspan")]
    assert " ".join(lines).split() == text["topic.name"].split()
    assert text["topic.name"] in [t for a, t in grid.all("th", scope="row")]
