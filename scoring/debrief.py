"""A candidate's loop, its debrief and the hiring decision: the reads. The writes are in
`services` (record_decision, reopen_decision, and the debrief opening in submit_scorecard).

A candidate's loop is all their interviews that are not cancelled, of any stage and question
set. It is *ready for debrief* when every one of them is completed (an interview completes
when the last interviewer of its panel submits), *decided* while a decision stands, and
*interviewing* otherwise."""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import User
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from interviews.models import Candidate, Interview, InterviewAnchor, InterviewQuestion
from questions.models import QuestionSet, Topic

from . import selectors
from .models import Amendment, CandidateResult, Debrief, Decision, Rating, Score, Scorecard

NO_INTERVIEWS = "no_interviews"
INTERVIEWING = "interviewing"
READY = "ready"
DECIDED = "decided"
LOOP_LABELS = {
    NO_INTERVIEWS: "No interviews",
    INTERVIEWING: "Interviewing",
    READY: "Ready for debrief",
    DECIDED: "Decided",
}
# Questions whose ratings differ by this much or more are shown first.
RATING_GAP = 2


def loop_interviews(candidate_ref) -> QuerySet[Interview]:
    """The interviews of the loop: a candidate, or an OuterRef to one."""
    return Interview.objects.filter(candidate=candidate_ref).exclude(
        status=Interview.Status.CANCELLED
    )


def ready_condition(candidate_ref="pk") -> Q:
    """For a queryset of candidates (or rows with the candidate's id at `candidate_ref`):
    whether the loop has interviews and all of them are completed."""
    interviews = loop_interviews(OuterRef(candidate_ref))
    return Q(Exists(interviews)) & ~Q(
        Exists(interviews.exclude(status=Interview.Status.COMPLETED))
    )


def standing_decision(candidate: Candidate) -> Decision | None:
    return (
        Decision.objects.filter(candidate=candidate, ended_at__isnull=True)
        .select_related("decided_by")
        .first()
    )


def is_loop_ready(candidate: Candidate) -> bool:
    return Candidate.objects.filter(ready_condition(), pk=candidate.pk).exists()


_UNREAD = object()


def loop_status(candidate: Candidate, *, decision: Decision | None = _UNREAD) -> str:
    """One of NO_INTERVIEWS, INTERVIEWING, READY, DECIDED. Pass the standing `decision` (or
    None) when it was read already. One query (two without `decision`), decided or not."""
    if decision is _UNREAD:
        decision = standing_decision(candidate)
    return _status(_statuses(candidate), decision)


def _statuses(candidate: Candidate) -> set[str]:
    return set(loop_interviews(candidate).order_by().values_list("status", flat=True).distinct())


def _status(statuses: set[str], decision: Decision | None) -> str:
    if decision is not None:
        return DECIDED
    if not statuses:
        return NO_INTERVIEWS
    return READY if statuses == {Interview.Status.COMPLETED} else INTERVIEWING


def names_hidden(candidate: Candidate) -> bool:
    """Whether hiring managers see the candidate by their code on the debrief and the
    scorecards: some question set of the loop hides names until decided and no decision was
    ever recorded. A reopened decision does not hide the name again: it was seen."""
    return (
        loop_interviews(candidate)
        .filter(question_set__hide_names_until_decided=True)
        .exclude(Exists(Decision.objects.filter(candidate=candidate)))
        .exists()
    )


def name_for(user_is_manager: bool, candidate: Candidate) -> str:
    """How the debrief and its email name the candidate: by their code to an interviewer when
    any interview of the loop is anonymised; to hiring managers by name, or by code while the
    names are hidden until decided (`names_hidden`)."""
    if user_is_manager:
        hidden = names_hidden(candidate)
    else:
        hidden = loop_interviews(candidate).filter(anonymised=True).exists()
    return candidate.anonymous_name if hidden else candidate.name


def is_panel_member_ready(user, candidate: Candidate) -> bool:
    """Whether `user` interviewed the candidate and submitted every scorecard of theirs in the
    loop (the blind rule: a pending scorecard of theirs keeps the debrief closed to them)."""
    mine = loop_interviews(candidate).filter(interviewers=user)
    pending = mine.exclude(
        Exists(
            Scorecard.objects.filter(
                interview=OuterRef("pk"), interviewer=user, submitted_at__isnull=False
            )
        )
    )
    return mine.exists() and not pending.exists()


@dataclass
class RatingView:
    """One interviewer's answer to a question of the loop, with what its level meant."""

    scorecard: Scorecard
    score: int | None
    skipped: bool
    anchor: str = ""  # what the chosen level meant for the question, if it has anchors

    @property
    def label(self) -> str:
        if self.skipped:
            return "skipped"
        return f"{self.score} {Score(self.score).label}" if self.score else "not rated"


@dataclass
class QuestionRow:
    """One asked question of the loop with its submitted ratings."""

    pk: int
    prompt: str
    topic: str
    position: int
    ratings: list[RatingView] = field(default_factory=list)

    @cached_property
    def gap(self) -> int:
        """The spread of the counted ratings: a shadow's is shown but never counts."""
        scores = [view.score for view in self.ratings if view.score and not view.scorecard.shadow]
        return max(scores) - min(scores) if scores else 0

    @property
    def differs(self) -> bool:
        return self.gap >= RATING_GAP


@dataclass
class DebriefData:
    candidate: Candidate
    status: str
    ready: bool  # every interview of the loop completed, decided or not
    debrief: Debrief | None
    decision: Decision | None
    decisions: list
    scorecards: list
    questions: list
    topic_means: list
    results: list
    anonymised: bool = False  # some interview of the loop is anonymised
    hides_names: bool = False  # some question set of the loop hides names until decided

    def name_for(self, user_is_manager: bool) -> str:
        """The candidate as `name_for` names them, from what the debrief read."""
        hidden = (self.hides_names and not self.decisions) if user_is_manager else self.anonymised
        return self.candidate.anonymous_name if hidden else self.candidate.name

    @property
    def status_label(self) -> str:
        return LOOP_LABELS[self.status]

    @property
    def differing(self) -> list:
        return [row for row in self.questions if row.differs]


def debrief_decisions(candidate: Candidate) -> QuerySet[Decision]:
    """The candidate's decisions, newest first."""
    return (
        Decision.objects.filter(candidate=candidate)
        .select_related("decided_by", "ended_by")
        .order_by("-decided_at", "-pk")
    )


ANSWERS_SQL = """
SELECT r.scorecard_id, r.score, r.skipped, r.interview_question_id, q.prompt, t.name,
       q.position, q.follow_up_number, t.position,
       (SELECT a.text FROM {anchors} a
        WHERE a.interview_question_id = r.interview_question_id AND a.level = r.score)
FROM {ratings} r
JOIN {questions} q ON q.id = r.interview_question_id
JOIN {topics} t ON t.id = q.topic_id
WHERE r.scorecard_id IN ({scorecards})
"""


def _answers(scorecards: list[int]) -> list[tuple]:
    """The answers of the scorecards (pks), each as (scorecard, score, skipped, asked
    question, its prompt, topic name, position, follow-up number, topic position, and the
    anchor of its score, if any): what a level meant for the question, in the same query.
    Written out, as the ORM took longer to build this query than the database to run it
    (2 ms of the debrief page)."""
    if not scorecards:
        return []
    sql = ANSWERS_SQL.format(
        anchors=InterviewAnchor._meta.db_table,
        ratings=Rating._meta.db_table,
        questions=InterviewQuestion._meta.db_table,
        topics=Topic._meta.db_table,
        scorecards=", ".join(["%s"] * len(scorecards)),
    )
    with connections[Rating.objects.db].cursor() as cursor:
        cursor.execute(sql, scorecards)
        return cursor.fetchall()


SCORECARDS_SQL = """
SELECT s.id, s.interview_id, s.interviewer_id, s.recommendation, s.summary, s.submitted_at,
       s.shadow, s.score_mean, s.coverage, s.debrief_recommendation, s.debrief_score_mean,
       u.username, u.first_name, u.last_name, i.stage, i.question_set_id, q.title,
       EXISTS (SELECT 1 FROM {amendments} a
               WHERE a.scorecard_id = s.id AND a.created_at > %s) AS changed_after_debrief
FROM {scorecards} s
JOIN {interviews} i ON i.id = s.interview_id
JOIN {users} u ON u.id = s.interviewer_id
JOIN {sets} q ON q.id = i.question_set_id
WHERE i.candidate_id = %s AND s.submitted_at IS NOT NULL AND i.status <> %s
ORDER BY i.scheduled_at, s.interview_id, u.username
"""


def _scorecards(candidate: Candidate, debrief: Debrief | None) -> list[Scorecard]:
    """The submitted scorecards of the loop in loop order (the interviews as scheduled, then
    interviewers by username), each with its `interviewer` (their names), `interview` (its
    stage and set, with the set's title), `interviewer_name` and whether it was amended
    after the debrief opened (`changed_after_debrief`). Written out, as the ORM took longer
    to build this query than the database to run it (2–4 ms of the debrief page)."""
    sql = SCORECARDS_SQL.format(
        amendments=Amendment._meta.db_table,
        scorecards=Scorecard._meta.db_table,
        interviews=Interview._meta.db_table,
        users=User._meta.db_table,
        sets=QuestionSet._meta.db_table,
    )
    database = Scorecard.objects.db
    # Without a debrief, no amendment is after it: none is "> NULL".
    opened = connections[database].ops.adapt_datetimefield_value(
        debrief.opened_at if debrief else None
    )
    scorecards = list(
        Scorecard.objects.raw(sql, [opened, candidate.pk, Interview.Status.CANCELLED])
    )
    for card in scorecards:
        card.changed_after_debrief = bool(card.changed_after_debrief)
        card.interviewer_name = selectors.person_name(
            card.first_name, card.last_name, card.username
        )
        card.interviewer = _loaded(
            User,
            database,
            id=card.interviewer_id,
            first_name=card.first_name,
            last_name=card.last_name,
            username=card.username,
        )
        card.interview = _loaded(
            Interview,
            database,
            id=card.interview_id,
            stage=card.stage,
            question_set_id=card.question_set_id,
        )
        card.interview.question_set = _loaded(
            QuestionSet, database, id=card.question_set_id, title=card.title
        )
    return scorecards


def _loaded(model, database, **values):
    """An instance of `model` as read from `database` with these fields alone (attnames);
    the others are read if asked for."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(database, names, [values[name] for name in names])


def debrief_of(candidate: Candidate) -> DebriefData:
    """Everything the debrief page shows, in the same number of queries however large the
    loop: the submitted scorecards (each as at the debrief and as it stands), every question
    with its ratings and anchors (those that differ by RATING_GAP or more first), the means
    per topic, the disagreement reasons per question set, and the decisions. The candidate's
    debrief is read with them unless it came with the candidate (select_related)."""
    decisions = list(debrief_decisions(candidate))
    decision = next((d for d in decisions if d.is_standing), None)
    debrief = getattr(candidate, "debrief", None)
    scorecards = _scorecards(candidate, debrief)
    by_pk = {scorecard.pk: scorecard for scorecard in scorecards}
    place = {scorecard.pk: index for index, scorecard in enumerate(scorecards)}
    # The scorecards come in loop order, so an interview's place is that of its first one.
    interview_at = {}
    for scorecard in scorecards:
        interview_at.setdefault(scorecard.interview_id, place[scorecard.pk])
    answers = _answers(list(by_pk))
    rows: dict[int, QuestionRow] = {}
    # Per topic (by its position and name): the counted scores, for the means.
    topic_scores: dict[tuple, list] = {}
    # In loop order: the interviews as scheduled, their questions in order, then interviewers.
    for card, score, skipped, question, prompt, topic, position, _, topic_at, anchor in sorted(
        answers,
        key=lambda a: (interview_at[by_pk[a[0]].interview_id], *a[6:8], place[a[0]]),
    ):
        row = rows.get(question) or rows.setdefault(
            question, QuestionRow(question, prompt, topic, position)
        )
        row.ratings.append(RatingView(by_pk[card], score, skipped, anchor or ""))
        if score is not None and not by_pk[card].shadow:
            topic_scores.setdefault((topic_at, topic), []).append(score)
    questions = sorted(rows.values(), key=lambda row: not row.differs)  # stable: loop order
    results = list(
        CandidateResult.objects.filter(candidate=candidate, scorecard_count__gt=0)
        .select_related("question_set")
        .order_by("question_set__title", "question_set")
    )
    for result in results:
        result.reasons = selectors.disagreement_reasons(result)
    # The loop's interviews: their statuses, and whether any is anonymised or of a set that
    # hides names until decided, in one query.
    facts = set(
        loop_interviews(candidate)
        .order_by()
        .values_list("status", "anonymised", "question_set__hide_names_until_decided")
        .distinct()
    )
    statuses = {status for status, _, _ in facts}
    return DebriefData(
        candidate=candidate,
        status=_status(statuses, decision),
        ready=statuses == {Interview.Status.COMPLETED},
        debrief=debrief,
        decision=decision,
        decisions=decisions,
        scorecards=scorecards,
        questions=questions,
        # As selectors.topic_means, over the counted scorecards, from the answers read above.
        topic_means=[
            {
                "interview_question__topic__name": topic,
                "mean": sum(scores) / len(scores),
                "count": len(scores),
            }
            for (_, topic), scores in sorted(topic_scores.items())
        ],
        results=results,
        anonymised=any(anonymised for _, anonymised, _ in facts),
        hides_names=any(hides for _, _, hides in facts),
    )
