"""Comparing candidates who ran the same question set, as data: the compare page's choices
and the stored results they select (`Comparison`), the recommendation tally as a bar, and the
side-by-side grid's candidates, cells, interviewers and chart geometry. The pages draw them in
templates/scoring/compare.html and compare_grid.html; scoring/exports.py writes the CSVs."""

import textwrap
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from config.pagination import paginate
from interviews.models import Interview, InterviewQuestion
from questions.models import QuestionSet

from . import debrief, selectors
from .calibration import RECOMMENDATION_COLOURS
from .models import CandidateResult, Decision, Recommendation, ResultGroup, Score, TopicMean
from .templatetags.scoring import score


@dataclass
class Comparison:
    """The compare page's choices, read from the query string so links keep the view."""

    question_sets: list
    question_set: QuestionSet | None
    role: str
    status: str
    sort: str
    topics: list
    # The topic columns chosen to show (?topic=<pk>, repeated); all of them when none is.
    shown_topics: list
    # The hiring decision filter: "" for any, UNDECIDED, or a Decision.Outcome.
    decision: str = ""

    UNDECIDED = "undecided"
    DECISIONS = [(UNDECIDED, "Undecided"), *Decision.Outcome.choices]

    SORTS = {
        "name": "name",
        "scorecards": "scorecard_count",
        "mean": "mean",
        "median": "median",
        "spread": "spread",
        "tally": "net_votes",
        "coverage": "coverage",
    }

    @classmethod
    def from_request(cls, request, *, choices=True):
        """The view the query string asks for. Without `choices` (for the grid and the
        exports), the list of sets to choose from is read only if the set is unknown."""
        slug = request.GET.get("set")
        question_set = None
        if slug and not choices:
            question_set = QuestionSet.objects.filter(slug=slug).first()
        question_sets = []
        if question_set is None:
            question_sets = list(QuestionSet.objects.order_by("title"))
            by_slug = {s.slug: s for s in question_sets}
            question_set = by_slug.get(slug) or latest_question_set(question_sets)
        topics = selectors.asked_topics(question_set)
        sort = request.GET.get("sort", "name")
        sortable = {*cls.SORTS, *(f"topic-{t.pk}" for t in topics)}
        if sort.removeprefix("-") not in sortable:
            sort = "name"
        statuses = dict(Interview.Status.choices)
        chosen = set(request.GET.getlist("topic"))
        return cls(
            question_sets=question_sets,
            question_set=question_set,
            role=request.GET.get("role", ""),
            status=request.GET.get("status", "") if request.GET.get("status") in statuses else "",
            sort=sort,
            topics=topics,
            shown_topics=[t for t in topics if str(t.pk) in chosen] or topics,
            decision=request.GET.get("decision", "")
            if request.GET.get("decision") in dict(cls.DECISIONS)
            else "",
        )

    @property
    def hides_names(self) -> bool:
        """Whether the set shows hiring managers codes instead of the names of candidates
        not decided yet (QuestionSet.hide_names_until_decided)."""
        return bool(self.question_set and self.question_set.hide_names_until_decided)

    @cached_property
    def _groups(self) -> list[tuple[str, int, int]]:
        """Each role the set's candidates applied for, with how many results it has and
        how many of them pass the filters: one query over the set's result groups
        (ResultGroup), a few dozen rows however many candidates."""
        if self.question_set is None:
            return []
        return list(
            ResultGroup.objects.filter(question_set=self.question_set)
            .values("role_applied_for")
            .annotate(total=Sum("results"), passing=Sum("results", filter=self.filters()))
            .order_by("role_applied_for")
            .values_list("role_applied_for", "total", "passing")
        )

    @property
    def roles(self) -> list[str]:
        """The roles the set's candidates applied for, for the filter's choices."""
        return [role for role, total, _ in self._groups if role and total]

    def results(self):
        """The stored results of the candidates that pass the filters (the role they applied
        for, their standing decision, and an interview in the set with the chosen status), in
        the chosen order, with their `shown_name`: both CSVs and the API read them. Each
        carries its candidate's standing `decision` (stored with the sums, None while
        undecided)."""
        return with_shown_names(self.matching(), hidden=self.hides_names)

    def matching(self):
        """The stored results that pass the filters, in the chosen order, as plain rows: what
        the page counts and slices. They carry the name, role, decision and interview
        statuses, so counting, filtering and sorting read that one table, each sort in order
        from an index; but a topic's, read from each row's JSON here, for the CSVs and the
        API: the page walks the topic's means instead (TopicOrder)."""
        if self.question_set is None:
            return CandidateResult.objects.none()
        results = CandidateResult.objects.filter(self.filters(), question_set=self.question_set)
        # The grid's cells are read only by the grid, a few results at a time.
        return results.defer("grid").order_by(*self.order())

    def filters(self, through: str = "") -> Q:
        """The filters but the set's, as conditions on stored results, or on what leads to
        them `through` a relation ("result__" from topic means)."""
        conditions = Q()
        if self.status:
            conditions &= Q(**{f"{through}any_{self.status}": True})
        if self.role:
            # An unknown role matches nobody, as it should.
            conditions &= Q(**{f"{through}role_applied_for": self.role})
        if self.decision == self.UNDECIDED:
            conditions &= Q(**{f"{through}decision__isnull": True})
        elif self.decision:
            conditions &= Q(**{f"{through}decision": self.decision})
        return conditions

    def count(self) -> int:
        """How many stored results pass the filters, from the set's result groups."""
        return sum(passing or 0 for _, _, passing in self._groups)

    @property
    def sorted_topic(self) -> int | None:
        """The pk of the topic the results are sorted by, if they are."""
        key = self.sort.removeprefix("-")
        return int(key.removeprefix("topic-")) if key.startswith("topic-") else None

    def order(self) -> list:
        """The chosen order of stored results, ties broken by name (code while names are
        hidden) and then by candidate."""
        key = self.sort.removeprefix("-")
        # While names are hidden, their order would tell them apart: codes sort instead.
        by_name = "candidate__code" if self.hides_names else "name"
        if key.startswith("topic-"):
            column = Cast(KeyTextTransform(key.replace("-", "_"), "topic_means"), FloatField())
            nullable = True
        elif key == "name":
            column, nullable = F(by_name), False
        else:
            column = F(self.SORTS[key])
            nullable = CandidateResult._meta.get_field(self.SORTS[key]).null
        # Empty results come last either way. NULLS LAST only where a column may be empty:
        # PostgreSQL reads an index backwards with NULLs first, so a descending NULLS LAST
        # cannot use the plain index (migration 0006 adds ones in that order for PostgreSQL).
        if self.sort.startswith("-"):
            order = column.desc(nulls_last=True) if nullable else column.desc()
        else:
            order = column.asc(nulls_last=True) if nullable else column.asc()
        # Ties by name (code while hidden), then by the candidate's pk (not the candidate:
        # that would join them).
        then = ["candidate_id"] if key == "name" else [by_name, "candidate_id"]
        return [order, *then]

    def page(self, request):
        """The requested page of stored results, each with its `shown_name`, whether its loop
        is ready (`loop_ready`), its candidate's address (`url`), its topic means in the
        shown columns' order (`shown_means`) and its recommendation tally drawn as a bar
        (`tally`)."""
        if self.sorted_topic:
            page = paginate(request, TopicOrder(self), count=self.count())
            window = page.object_list
            # The walk is read within the rows' query; a page past the means needs it on
            # its own first, to go on with the results without one.
            page.object_list = self._rows(window.walked())
            if len(page.object_list) < window.size:
                page.object_list = self._rows(window.ids())
        else:
            page = paginate(request, self.matching(), count=self.count())
            page.object_list = self._rows(page.object_list.values("pk"))
        columns = [selectors.topic_column(topic) for topic in self.shown_topics]
        # Each candidate's address is this prefix and their pk: one reverse() a page.
        candidates_url = reverse("candidate_detail", args=[0]).removesuffix("0/")
        outcomes = dict(Decision.Outcome.choices)
        for result in page:
            result.url = f"{candidates_url}{result.candidate_id}/"
            result.debrief_url = f"{result.url}debrief/" if result.loop_ready else ""
            result.decision_label = outcomes.get(result.decision, "")
            result.shown_means = [result.topic_means.get(c) for c in columns]
            result.tally = tally_bar(result)
        return page

    def _rows(self, shown) -> list[CandidateResult]:
        """The results of the pks `shown` (a list or a query), in the chosen order, with
        their shown names and whether their loop is ready. That is read for the page's rows
        alone: asked with the sorting of the whole set, PostgreSQL planned it for every
        candidate (hashing all their interviews: 19 ms at 50,000 candidates)."""
        rows = CandidateResult.objects.filter(pk__in=shown).defer("grid")
        rows = with_shown_names(rows, hidden=self.hides_names).annotate(
            loop_ready=debrief.ready_condition("candidate")
        )
        return list(rows.order_by(*self.order()))

    def query(self, **changes):
        """The query string of this view with some choices changed."""
        params = {
            "set": self.question_set.slug if self.question_set else "",
            "role": self.role,
            "status": self.status,
            "sort": self.sort,
            "topic": [t.pk for t in self.shown_topics] if self.some_topics_hidden else [],
            "decision": self.decision,
            **changes,
        }
        return urlencode({k: v for k, v in params.items() if v}, doseq=True)

    @property
    def some_topics_hidden(self):
        return len(self.shown_topics) < len(self.topics)

    @property
    def in_effect(self):
        """The filters as words, printed at the top of the compare page and the grid."""
        status = dict(Interview.Status.choices)[self.status] if self.status else "any"
        words = [
            f"Question set: {self.question_set.title}",
            f"role: {self.role or 'any'}",
            f"interview status: {status}",
            f"decision: {dict(self.DECISIONS)[self.decision].lower() if self.decision else 'any'}",
        ]
        return " · ".join(words)


class TopicOrder:
    """The stored results that pass compare's filters in the order of their mean on a topic
    (`Comparison.order`), for the paginator to slice (told their count, from
    `Comparison.count`): those with a mean walked in order from the topic means' index
    (TopicMean) until the page is full, then those without one, by name. A slice is a
    `TopicWindow`, read by `Comparison.page`. Sorting every result by its JSON instead read
    them all (20× the login page at 50,000 candidates)."""

    def __init__(self, comparison: Comparison):
        self.comparison = comparison
        means = TopicMean.objects.filter(
            comparison.filters(through="result__"),
            question_set=comparison.question_set,
            topic=comparison.sorted_topic,
        )
        mean = F("mean").desc() if comparison.sort.startswith("-") else F("mean").asc()
        self.by_name = "candidate__code" if comparison.hides_names else "name"
        self.means = means.order_by(mean, self.by_name, "candidate_id")

    def without_mean(self):
        """The results without a mean on the topic, by name: only a page past the means
        reads them, so they are not built for every page (half a millisecond)."""
        topic = self.comparison.sorted_topic
        has_mean = Exists(TopicMean.objects.filter(result=OuterRef("pk"), topic=topic))
        matching = self.comparison.matching().filter(~has_mean)
        return matching.order_by(self.by_name, "candidate_id")

    def __getitem__(self, window: slice) -> "TopicWindow":
        return TopicWindow(self, window.start, window.stop)


@dataclass
class TopicWindow:
    """The results from `start` to `stop` in a TopicOrder."""

    order: TopicOrder
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start

    def walked(self):
        """The pks of those of the window with a mean: all of them, unless it reaches past
        the means. A query, to read within another."""
        return self.order.means[self.start : self.stop].values("result")

    def ids(self) -> list[int]:
        """The pks of the window's results, those without a mean after the means."""
        means = self.order.means
        walked = list(means[self.start : self.stop].values_list("result", flat=True))
        if len(walked) == self.size:
            return walked
        # Past the results with a mean: those without one follow.
        with_mean = self.start + len(walked) if walked else means.count()
        rest = self.order.without_mean()[max(0, self.start - with_mean) : self.stop - with_mean]
        return walked + list(rest.values_list("pk", flat=True))


def latest_question_set(question_sets: list[QuestionSet]) -> QuestionSet | None:
    """Of `question_sets`, the one an interview was last scheduled on (the interview created
    last: read backwards from the primary key, however many there are), else the first."""
    latest = Interview.objects.order_by("-pk").values_list("question_set", flat=True).first()
    by_pk = {question_set.pk: question_set for question_set in question_sets}
    return by_pk.get(latest) or (question_sets[0] if question_sets else None)


def with_shown_names(results, *, hidden: bool):
    """Stored results with how a hiring manager sees each candidate named (`shown_name`): as
    stored, or, where the set hides names until decided (`hidden`), by the candidate's code
    until a decision on them was recorded (`name_revealed`)."""
    if not hidden:
        return results.annotate(shown_name=F("name"), name_revealed=Value(True))
    return results.annotate(
        name_revealed=Exists(Decision.objects.filter(candidate=OuterRef("candidate"))),
        shown_name=Case(
            When(name_revealed=True, then=F("name")),
            default=Concat(Value("Candidate "), F("candidate__code")),
            output_field=CharField(),
        ),
    )


def shown_email():
    """For results `with_shown_names`: the candidate's email, empty while the name is hidden."""
    return Case(
        When(name_revealed=True, then=F("candidate__email")),
        default=Value(""),
        output_field=CharField(),
    )


def next_sort(current, key):
    """Clicking a column sorts by it (names A–Z, numbers highest first); again reverses."""
    if current == key:
        return f"-{key}"
    if current == f"-{key}":
        return key
    return key if key == "name" else f"-{key}"


# Strong no … Strong yes, as the calibration page's bars, and a text colour that reads on each.
TALLY_TEXT_COLOURS = ["#fff", "#000", "#000", "#fff"]


class TallyPart(NamedTuple):
    """A recommendation's part of the tally bar, its coordinates written as the SVG has them."""

    x: str
    width: str
    fill: str
    label_x: str
    label_fill: str
    count: int


class Tally(NamedTuple):
    words: str
    parts: list[TallyPart]


def tally_bar(candidate) -> Tally:
    """The recommendation tally as a 100-wide stacked bar, Strong no on the left, each part
    labelled with its count; the counts in words are its accessible name and tooltip."""
    counts = [int(candidate.strong_no), int(candidate.no), int(candidate.yes)]
    counts.append(int(candidate.strong_yes))
    words = ", ".join(
        f"{label} {count}" for label, count in zip(Recommendation.labels, counts, strict=True)
    )
    total = sum(counts)
    parts, x = [], 0.0
    for count, fill, text in zip(counts, RECOMMENDATION_COLOURS, TALLY_TEXT_COLOURS, strict=True):
        if count:
            width = count / total * 100
            parts.append(
                TallyPart(f"{x:.1f}", f"{width:.1f}", fill, f"{x + width / 2:.1f}", text, count)
            )
            x += width
    return Tally(words, parts)


# The side-by-side grid ---------------------------------------------------------------------


def selected_candidates(comparison, picked):
    """The stored results of the 2–4 candidates picked for the grid (`picked`: the query
    string's values), each with an interview in the set, in name order (code order while
    names are hidden), with their `shown_name`; and the
    interviewers who submitted a scorecard in those interviews as (pk, name), in name
    order."""
    try:
        ids = sorted({int(value) for value in picked})
    except ValueError:
        raise ValidationError("Pick candidates from the list.")
    if not 2 <= len(ids) <= 4:
        raise ValidationError("Pick two to four candidates to compare side by side.")
    # A candidate has a stored result on every set they have an interview in, so the
    # results alone tell who ran the set: probes of the (question set, candidate) index.
    picked_results = CandidateResult.objects.filter(
        question_set=comparison.question_set, candidate__in=ids
    )
    results = list(
        with_shown_names(picked_results, hidden=comparison.hides_names).order_by(
            "candidate__code" if comparison.hides_names else "name", "candidate_id"
        )
    )
    if comparison.question_set is None or len(results) != len(ids):
        raise ValidationError("Some of those candidates did not run this question set.")
    panel = {pk for result in results for pk in result.grid.get("panel", [])}
    interviewers = sorted(
        (names, pk)
        for pk, *names in User.objects.filter(pk__in=panel).values_list(
            "pk", "first_name", "last_name", "username"
        )
    )
    return results, [(pk, selectors.person_name(*names)) for names, pk in interviewers]


class AskedQuestion(NamedTuple):
    """A grid row's question, as the first of the interviews asked it."""

    bank_position: int
    prompt: str
    topic_name: str


class GridRating(NamedTuple):
    """An interviewer's rating in a grid cell: their initials on screen, their name on
    hover, focus and paper, the score in words (`said`) and as shown ("–" if skipped)."""

    initials: str
    name: str
    said: str
    shown: str


class GridRow(NamedTuple):
    question: AskedQuestion
    # Per candidate, in their order: {"mean", "skipped", "ratings"}, or None if not asked.
    cells: list


def interviewer_initials(interviewers):
    """The grid names each rating's interviewer by initials: {pk: (initials, full name)}
    from (pk, full name) pairs, in their order, which is the order of the cells' ratings.
    Two interviewers with the same initials get a number after the second's."""
    initials, taken = {}, set()
    for pk, name in interviewers:
        short = "".join(part[0] for part in name.split()[:3]).upper()
        unique, number = short, 2
        while unique in taken:
            unique, number = f"{short}{number}", number + 1
        taken.add(unique)
        initials[pk] = (unique, name)
    return initials


def grid_rows(question_set, candidates, interviewers):
    """A row per bank question the candidates' interviews in the set asked, in the bank's
    order, with a cell per candidate from their stored result's grid (`results.fresh_grids`):
    each interviewer's rating of it (in `interviewers`' order: {pk: (initials, name)}), the
    mean and the skips."""
    # Each interviewer's rating for each score they may have given, made once per page
    # rather than once per cell: {interviewer pk: {score: GridRating}}, a skip's score None.
    said = {score: f"{score} {label}" for score, label in Score.choices}
    said[None] = "skipped"
    by_interviewer = {
        str(interviewer): {
            given: GridRating(initials, name, words, "–" if given is None else str(given))
            for given, words in said.items()
        }
        for interviewer, (initials, name) in interviewers.items()
    }
    by_cell = {}
    for candidate in candidates:
        for question, cell in candidate.grid.get("cells", {}).items():
            given = cell["ratings"]
            by_cell[int(question), candidate.candidate_id] = {
                "mean": cell["mean"],
                "skipped": cell["skipped"],
                "ratings": [
                    by_score[given[interviewer]]
                    for interviewer, by_score in by_interviewer.items()
                    if interviewer in given
                ],
            }
    # A row per bank question, worded as the first of these interviews asked it: the bank
    # may have changed since, and the interviews keep their own copy. Found through the
    # candidates, the set sorted out here (SQLite's planner has no statistics).
    asked = {}
    for bank_question, asked_in, *words in (
        InterviewQuestion.objects.filter(
            interview__candidate__in=[c.candidate_id for c in candidates],
            question__isnull=False,
        )
        .order_by("question__position", "interview__scheduled_at", "pk")
        .values_list(
            "question", "interview__question_set", "question__position", "prompt", "topic__name"
        )
    ):
        if asked_in == question_set.pk:
            asked.setdefault(bank_question, AskedQuestion(*words))
    return [
        GridRow(question, [by_cell.get((bank_question, c.candidate_id)) for c in candidates])
        for bank_question, question in asked.items()
    ]


def topic_chart(topics, candidates):
    """Geometry of a grouped bar chart of the candidates' stored topic means on the 0–4
    scale: the y axis names the levels, and topic names wrap under their group. The bars'
    and labels' coordinates come as numbers, and written as the SVG has them (`svg_y`…)."""
    bar, gap, group_gap, plot, top, left = 18, 2, 26, 160, 10, 78
    line_height, char_width = 13, 6  # at the chart's 11 px font
    group_width = len(candidates) * (bar + gap) + group_gap
    label_chars = max(8, (group_width - 6) // char_width)
    groups = []
    for index, topic in enumerate(topics):
        x = left + index * group_width
        bars = []
        for number, candidate in enumerate(candidates):
            mean = candidate.topic_means.get(selectors.topic_column(topic))
            bar_height = 0 if mean is None else (mean / 4) * plot
            y = top + plot - bar_height
            bars.append(
                {
                    "x": x + number * (bar + gap),
                    "y": y,
                    "height": bar_height,
                    "svg_y": f"{y:.1f}",
                    "svg_height": f"{bar_height:.1f}",
                    "mean": score(mean),
                    "drawn": mean is not None,
                    "series": number,
                    "title": f"{candidate.shown_name}, {topic.name}: {score(mean)}",
                }
            )
        lines = textwrap.wrap(topic.name, label_chars, break_long_words=False) or [""]
        label_x = x + (group_width - group_gap - gap) / 2
        label_lines = [
            {"text": line, "y": top + plot + 16 + number * line_height}
            for number, line in enumerate(lines)
        ]
        groups.append(
            {
                "topic": topic,
                "x": x,
                "label_x": label_x,
                "svg_label_x": f"{label_x:.1f}",
                "label_lines": label_lines,
                "bars": bars,
            }
        )
    most_lines = max((len(group["label_lines"]) for group in groups), default=1)
    return {
        "groups": groups,
        "bar": bar,
        "line_x": left - 4,
        "label_x": left - 8,
        "width": left + max(1, len(topics)) * group_width,
        "height": top + plot + 8 + most_lines * line_height,
        "baseline": top + plot,
        "gridlines": [
            {
                "label": f"{value} {Score(value).label}" if value else "0",
                "y": top + plot - value / 4 * plot,
                "label_y": top + plot - value / 4 * plot + 4,
            }
            for value in range(5)
        ],
    }
