"""Seeded benchmark data: N candidates, each with one completed interview on the junior
backend set (24 questions) and a submitted scorecard from each of three interviewers (one
rates higher, one lower), submitted within two days of the interview, every question rated
but about one in 30 skipped, and about half the points marked; one candidate in 25 is only
scheduled. Each finished loop has its debrief; two in three are decided, and about one in
five of the others has a scorecard amended after the debrief. One interview in 50 has a
trainee shadowing the panel, with a shadow scorecard. Plus one open interview for the
live page.

Written for size: rows get their ids here and go in as a few statements per 1,000
candidates, `COPY` on PostgreSQL and one prepared INSERT on SQLite; the questions each
interview asks are copied from the bank by the database itself. On PostgreSQL the load goes
as pg_restore's does (`Writer.bulk_load`), a process per CPU writing batches side by side.
What the app stores from submitted scorecards is computed by the app's own code, a batch at
a time, so memory stays bounded: the tallies by `scoring.results.tally` over the rows as
written, the results by `fresh_results` and the day rows of calibration's and question
analytics' sums by `DaySums.of` once the batch is in (added up over the batches, they are
stored with their months at the end); only each answer's mark counts and each scorecard's
mean score and coverage are summed here, as the rows are made.
`scoring/tests/test_bench_data.py` checks all of it against a fresh computation
(`recompute_results --check`).
"""

import csv
import io
import json
import multiprocessing
import os
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from bench import CURATOR, INTERVIEWERS, MANAGER, PASSWORD, TRAINEE
from config import roles
from interviews.models import (
    CODE_ALPHABET,
    Candidate,
    Interview,
    InterviewAnchor,
    InterviewPoint,
    InterviewQuestion,
)
from questions.models import AnswerPoint, Question, QuestionSet
from scoring import results, selectors, training
from scoring.models import (
    Amendment,
    AnswerTally,
    CandidateResult,
    Debrief,
    Decision,
    Mark,
    PointMark,
    PointTally,
    Rating,
    Recommendation,
    Scorecard,
    TopicMean,
)
from scoring.sums import DaySums, recompute_sums

SET_SLUG = "junior-backend-developer"
ROLES = ["Backend Developer", "Platform Engineer", "Data Engineer"]
SURNAMES = ["Okafor", "Tanaka", "Fischer", "Rossi", "Raman", "Becker", "Martin", "Kumar"]
NOTES = ["", "Clear, with an example.", "Needed prompting on the why."]
BATCH = 1000  # candidates written per round of statements
# Added to each interviewer's ratings, so that calibration has someone to flag.
LENIENCY = [0.4, 0.0, -0.4]
SKIPPED = 1 / 30
SCHEDULED_ONLY = 0.04
AMENDED = 1 / 5  # of the undecided loops
OUTCOMES = [Decision.Outcome.HIRE, Decision.Outcome.NO_HIRE, None]
MARKS = list(Mark.values)
# Where a mark is counted among a rating's stored counts (Rating.covered_points and the rest).
COUNTED = {Mark.COVERED: 1, Mark.PARTIAL: 2, Mark.MISSED: 3}
# The indexes kept while loading on PostgreSQL: each batch's results and sums find its rows
# through them (they grow near their right edge, as the ids are handed out in order).
FINDING = (
    "interviews_interview USING btree (candidate_id)",
    "interviews_interviewquestion USING btree (interview_id)",
    "scoring_scorecard USING btree (interview_id)",
    "scoring_rating USING btree (scorecard_id)",
    "scoring_answertally USING btree (interview_id)",
    "scoring_pointtally USING btree (interview_id)",
)
# The most scorecards an interview gets: the three interviewers and a trainee's shadow.
PANEL = len(INTERVIEWERS) + 1
# The tables the bench fills in bulk, and hands out the ids of.
LOADED = [
    Candidate,
    Interview,
    InterviewQuestion,
    InterviewPoint,
    InterviewAnchor,
    Scorecard,
    Rating,
    PointMark,
    AnswerTally,
    PointTally,
    CandidateResult,
    TopicMean,
]


def generate(size: int, *, seed: int = 10, workers: int | None = None) -> dict:
    """Write the data for `size` candidates into an empty, migrated database and return what
    the benchmark needs to address it (ids and names). On PostgreSQL, outside a transaction,
    `workers` processes (one per CPU by default) write the batches side by side."""
    call_command("loaddata", "-v", "0", "junior-backend-developer", "backend-developer")
    question_set = QuestionSet.objects.get(slug=SET_SLUG)
    questions = list(Question.objects.filter(question_set=question_set, is_active=True))
    password = make_password(PASSWORD)
    manager = User.objects.create(username=MANAGER, password=password)
    manager.groups.add(Group.objects.get(name=roles.HIRING_MANAGER))
    interviewers = [User.objects.create(username=name, password=password) for name in INTERVIEWERS]
    trainee = User.objects.create(username=TRAINEE, password=password)
    Group.objects.get(name=roles.INTERVIEWER).user_set.add(*interviewers, trainee)
    curator = User.objects.create(username=CURATOR, password=password, is_staff=True)
    curator.groups.add(Group.objects.get(name=roles.QUESTION_CURATOR))
    start = timezone.now() - timedelta(days=365)

    # The live page's interview first: snapshotting it records the bank's versions, which
    # every bench interview then points to.
    live_candidate = Candidate.objects.create(name="Live Candidate", email="live@example.com")
    live = Interview.objects.create(
        candidate=live_candidate,
        question_set=question_set,
        stage="Technical interview",
        scheduled_at=start,
    )
    live.interviewers.set(interviewers)
    InterviewQuestion.snapshot((live, position, q) for position, q in enumerate(questions, 1))

    writer = Writer(
        size=size,
        seed=seed,
        start=start,
        question_set=question_set,
        questions=questions,
        people={"manager": manager, "interviewers": interviewers, "trainee": trainee},
    )
    graded, shadowed, days = [], [], DaySums()
    with writer.bulk_load():
        batches = writer.write_batches(workers or os.cpu_count() or 1)
        for number, batch in enumerate(batches, 1):
            if number & (number - 1) == 0:  # 1, 2, 4, 8…: as the tables double
                writer.analyze()
            graded += batch.graded
            shadowed += batch.shadowed
            days.add(batch.days)
        with transaction.atomic():
            writer.start_batch(size)  # the ids after the last batch's
            writer.store_results([live_candidate.pk])
    if shadowed:
        training.qualify_shadows(interview=Interview.objects.get(pk=shadowed[-1]))
    results.store_result_groups()
    # Calibration's and question analytics' sums, added up from the batches', with months.
    recompute_sums(days=days)
    return {
        "set": SET_SLUG,
        "role": ROLES[0],
        "topic": selectors.topic_column(questions[0].topic).replace("_", "-"),
        "candidate": graded[len(graded) // 2],
        "grid": graded[:3],
        "live": live.pk,
        "curator": CURATOR,
        "set_id": question_set.pk,
        "live_question": live.questions.order_by("position").first().pk,
        "answers": Rating.objects.count(),
    }


def candidate_code(number: int) -> str:
    """A code in the app's alphabet, distinct for each number (a bijection of 31⁸)."""
    value, code = (number * 2_654_435_761 + 12_345) % 31**8, ""
    for _ in range(8):
        value, digit = divmod(value, 31)
        code += CODE_ALPHABET[digit]
    return f"{code[:4]}-{code[4:]}"


@dataclass
class Batch:
    """What a written batch tells the generator: its graded and shadowed candidates and
    interviews, and the day rows of the sums of its interviews."""

    graded: list[int]
    shadowed: list[int]
    days: DaySums


class Writer:
    """Writes the benchmark's rows a batch of candidates at a time, with ids it hands out
    itself, so that no row is read back: each candidate has a slot of ids in each table
    (`per_candidate` of them, counting on from the largest id there), so that batches can
    be written in any order, side by side. A slot's ids a candidate does not use (the
    shadow's scorecard of an interview without one) are left out."""

    def __init__(self, *, size, seed, start, question_set, questions, people):
        self.size, self.seed, self.people = size, seed, people
        self.start, self.question_set, self.questions = start, question_set, questions
        # The interviews spread over the year, the last scorecard submitted by now.
        self.spacing = timedelta(days=360) / max(size, 1)
        versions = {q.pk: q.history.latest().history_id for q in questions}
        self.plan = [(q.pk, position, versions[q.pk]) for position, q in enumerate(questions, 1)]
        self.topic = {q.pk: q.topic_id for q in questions}
        # Each question's expected points (position, weight) and where they start among the
        # interview's points, which are numbered in question then point order.
        self.points, self.point_offset, offset = {}, {}, 0
        for question in questions:
            self.points[question.pk] = list(
                AnswerPoint.objects.filter(question=question)
                .order_by("position")
                .values_list("position", "weight")
            )
            self.point_offset[question.pk] = offset
            offset += len(self.points[question.pk])
        self.total_weight = {q: sum(w for _, w in points) for q, points in self.points.items()}
        self.points_per_interview = offset
        self.per_candidate = {
            Candidate: 1,
            Interview: 1,
            InterviewQuestion: len(self.plan),
            InterviewPoint: self.points_per_interview,
            Scorecard: PANEL,
            Rating: PANEL * len(self.plan),
            CandidateResult: 1,
        }
        self.first_id = {
            model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            for model in self.per_candidate
        }
        self.postgres = connection.vendor == "postgresql"

    # Writing rows.

    @contextmanager
    def bulk_load(self):
        """On PostgreSQL, load as pg_restore does: the session's foreign-key triggers off
        (they would queue a check per row until each commit; the rows are consistent by
        construction) and the large tables' indexes and unique constraints other than
        their primary keys dropped, then built once at the end, which is several times
        faster than keeping them up to date row by row. Then the sequences are set past
        the ids handed out here. While loading, rows are found by primary key, and a
        batch's by the few indexes kept (FINDING)."""
        if not self.postgres:
            yield
            return
        tables = [model._meta.db_table for model in LOADED]
        with connection.cursor() as cursor:
            # Checks still pending in an enclosing transaction (a test's) would keep the
            # tables from being altered: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text "
                "= ANY(%s)",
                [tables],
            )
            constraints = cursor.fetchall()
            for table, name, _ in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
            # Kept: the indexes that find a batch's rows, for its results and sums.
            indexes = [(n, d) for n, d in cursor.fetchall() if not d.endswith(FINDING)]
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("RESET maintenance_work_mem")
            for sql in connection.ops.sequence_reset_sql(no_style(), LOADED):
                cursor.execute(sql)

    def analyze(self):
        """On PostgreSQL, gather the loaded tables' statistics afresh, for the batches still
        to come: planned as the empty tables they were, a batch's results read thousands of
        times more rows than they need, more with each batch."""
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(model._meta.db_table for model in LOADED)}")

    def copy(self, model, columns, rows):
        """Insert `rows` (tuples of `columns`' values) into the model's table: one COPY on
        PostgreSQL, one prepared INSERT run for every row on SQLite."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                # Strings quoted, None left empty: PostgreSQL's CSV reads empty as NULL.
                csv.writer(buffer, quoting=csv.QUOTE_STRINGS).writerows(rows)
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer
                )
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows)
                )

    def start_batch(self, first):
        """Hand out ids from the slots of the candidates numbered from `first` on."""
        self.next_id = {
            model: self.first_id[model] + first * count
            for model, count in self.per_candidate.items()
        }

    def ids(self, model, count):
        first = self.next_id[model]
        self.next_id[model] += count
        return range(first, first + count)

    def write_batches(self, workers):
        """Write every batch, `workers` at a time in processes of their own on PostgreSQL
        outside a transaction (a test's keeps the rows from other connections), and yield
        what each tells, in order."""
        firsts = range(0, self.size, BATCH)
        if workers == 1 or len(firsts) == 1 or not self.postgres or connection.in_atomic_block:
            yield from map(self.write_batch, firsts)
            return
        # Each process opens its own connection: none may be shared across the fork.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers, len(firsts)), _adopt, (self,)) as pool:
            yield from pool.imap(_write_batch, firsts)

    def write_batch(self, first):
        """Write the batch of candidates numbered from `first`, with a random generator of
        its own, in a transaction."""
        with transaction.atomic():
            if self.postgres:
                # The load's setting is the session's: every process's own (bulk_load).
                with connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role = replica")
            self.start_batch(first)
            return self.write_rows(
                random.Random(f"{self.seed} {first}"),
                range(first, min(self.size, first + BATCH)),
                **self.people,
            )

    def when(self, moment):
        return connection.ops.adapt_datetimefield_value(moment)

    # One batch.

    def write_rows(self, rng, numbers, *, manager, interviewers, trainee) -> Batch:
        start, now = self.start, self.when(timezone.now())
        candidate_ids = self.ids(Candidate, len(numbers))
        interview_ids = self.ids(Interview, len(numbers))
        self.copy(
            Candidate,
            ["id", "name", "code", "email", "role_applied_for", "notes", "created_at"]
            + ["updated_at"],
            [
                (
                    pk,
                    f"{rng.choice(SURNAMES)} {number:05}",
                    candidate_code(pk),
                    f"candidate{number}@example.com",
                    rng.choice(ROLES),
                    "",
                    now,
                    now,
                )
                for pk, number in zip(candidate_ids, numbers, strict=True)
            ],
        )
        interviews = []  # (pk, candidate pk, completed at or None)
        for interview, candidate, number in zip(
            interview_ids, candidate_ids, numbers, strict=True
        ):
            scheduled = start + number * self.spacing
            # Every 50th interview (the first at N = 8) is shadowed, so held.
            done = candidate % 50 == 8 or rng.random() >= SCHEDULED_ONLY
            completed = scheduled + timedelta(minutes=60) if done else None
            interviews.append((interview, candidate, scheduled, completed))
        self.copy(
            Interview,
            ["id", "candidate_id", "question_set_id", "stage", "scheduled_at", "completed_at"]
            + ["status", "created_at", "anonymised"],
            [
                (
                    pk,
                    candidate,
                    self.question_set.pk,
                    "Technical interview",
                    self.when(scheduled),
                    self.when(completed) if completed else None,
                    Interview.Status.COMPLETED if completed else Interview.Status.SCHEDULED,
                    now,
                    False,
                )
                for pk, candidate, scheduled, completed in interviews
            ],
        )
        submitted = [(pk, candidate, done) for pk, candidate, _, done in interviews if done]
        shadowed = {pk for pk, candidate, _, _ in interviews if candidate % 50 == 8}
        self.copy(
            Interview.interviewers.through,
            ["interview_id", "user_id"],
            [(pk, user.pk) for pk, *_ in interviews for user in interviewers]
            + [(pk, trainee.pk) for pk in sorted(shadowed)],
        )
        self.copy(
            Interview.shadows.through,
            ["interview_id", "user_id"],
            [(pk, trainee.pk) for pk in sorted(shadowed)],
        )
        first_asked = self.ids(InterviewQuestion, len(numbers) * len(self.plan))[0]
        first_point = self.ids(InterviewPoint, len(numbers) * self.points_per_interview)[0]
        self.snapshot(interview_ids, first_asked, first_point)

        # Scorecards, their ratings and marks, and each scorecard's score and coverage.
        leniency = {user.pk: bias for user, bias in zip(interviewers, LENIENCY, strict=True)}
        leniency[trainee.pk] = 0.0
        scorecards, ratings, marks, amendments = [], [], [], []
        rating_id = self.next_id[Rating]
        decisions, debriefs = [], []
        loops = {}  # candidate pk: their scorecards' rows, to decide or amend
        # What scoring.results.tally reads, as it would read it back: the counted scorecards
        # (not the shadows'), their ratings and marks, and their interviews' questions.
        counted = {"sheets": [], "asked": [], "ratings": [], "points": [], "marks": []}
        for interview, candidate, completed in submitted:
            ability = rng.uniform(1.2, 3.8)
            index = interview - interview_ids[0]
            first_of_interview = first_point + index * self.points_per_interview
            for question_pk, position, _ in self.plan:
                asked = first_asked + index * len(self.plan) + position - 1
                counted["asked"].append((asked, interview, question_pk, self.topic[question_pk]))
                point = first_of_interview + self.point_offset[question_pk]
                counted["points"] += [
                    (point + offset, asked, place)
                    for offset, (place, _) in enumerate(self.points[question_pk])
                ]
            panel = interviewers + ([trainee] if interview in shadowed else [])
            for user in panel:
                scorecard_id = self.ids(Scorecard, 1)[0]
                first_rating = len(ratings)
                first_mark = len(marks)
                scores, coverages = [], []
                for question_pk, position, _ in self.plan:
                    asked = first_asked + index * len(self.plan) + position - 1
                    expected = self.points[question_pk]
                    total = self.total_weight[question_pk]
                    # Nothing marked: none covered, partial or missed, coverage 0 (or none).
                    counts = [len(expected), 0, 0, 0, 0 / (total * 2) if total else None]
                    if rng.random() < SKIPPED:
                        ratings.append(
                            (rating_id, scorecard_id, asked, None, True, "", "{}", now, *counts)
                        )
                        rating_id += 1
                        continue
                    score = ability + leniency[user.pk] + rng.gauss(0, 0.7)
                    score = min(4, max(1, round(score)))
                    point = first_of_interview + self.point_offset[question_pk]
                    earned = 0
                    for offset, (_, weight) in enumerate(expected):
                        if rng.random() < 0.5:
                            mark = rng.choice(MARKS)
                            marks.append((rating_id, point + offset, mark))
                            earned += mark * weight
                            counts[COUNTED[mark]] += 1
                    if total:
                        counts[4] = earned / (total * 2)
                        coverages.append(counts[4])
                    ratings.append(
                        (rating_id, scorecard_id, asked, score, False, rng.choice(NOTES), "{}")
                        + (now, *counts)
                    )
                    scores.append(score)
                    rating_id += 1
                if user is not trainee:
                    counted["sheets"].append((scorecard_id, interview, user.pk))
                    counted["ratings"] += [row[:5] for row in ratings[first_rating:]]
                    counted["marks"] += marks[first_mark:]
                submitted_at = completed + timedelta(hours=rng.uniform(0, 48))
                recommendation = min(4, max(1, round(ability + rng.uniform(-1, 1))))
                mean = sum(scores) / len(scores) if scores else None
                coverage = sum(coverages) / len(coverages) if coverages else None
                row = [
                    scorecard_id,
                    interview,
                    user.pk,
                    recommendation,
                    "Seeded by the benchmark.",
                    submitted_at,
                    user is trainee,
                    mean,
                    coverage,
                    recommendation,  # as it stood when the debrief opened
                    mean,
                ]
                scorecards.append(row)
                loops.setdefault(candidate, []).append(row)

        sheet_tallies, answer_tallies, point_tallies = results.tally(
            sheets=counted["sheets"],
            asked=[(*row, None) for row in counted["asked"]],
            ratings=counted["ratings"],
            points=counted["points"],
            marks=counted["marks"],
        )
        no_tallies = dict.fromkeys(results.SCORECARD_FIELDS, 0)  # a shadow's
        for candidate, rows in loops.items():
            opened = max(row[5] for row in rows)
            debriefs.append((candidate, self.when(opened), 1))
            outcome = OUTCOMES[candidate % 3]
            if outcome:
                decisions.append(
                    (candidate, outcome, "Decided in the debrief.", "", "", manager.pk)
                    + (self.when(opened + timedelta(days=2)), "")
                )
            elif rng.random() < AMENDED:
                row = rng.choice([r for r in rows if not r[6]])
                before = row[3]
                row[3] = before + 1 if before < Recommendation.STRONG_YES else before - 1
                amendments.append(
                    (
                        row[0],
                        row[2],
                        self.when(opened + timedelta(days=1)),
                        "Thought again after the debrief.",
                        json.dumps({"recommendation": before}),
                        json.dumps({"recommendation": row[3]}),
                    )
                )
        self.copy(
            Scorecard,
            ["id", "interview_id", "interviewer_id", "recommendation", "summary"]
            + ["submitted_at", "shadow", "score_mean", "coverage", "debrief_recommendation"]
            + ["debrief_score_mean", "created_at", "updated_at"]
            + results.SCORECARD_FIELDS,
            [
                (*row[:5], self.when(row[5]), *row[6:], now, now)
                + tuple(sheet_tallies.get(row[0], no_tallies).values())
                for row in scorecards
            ],
        )
        self.copy(
            Rating,
            ["id", "scorecard_id", "interview_question_id", "score", "skipped", "notes"]
            + ["versions", "updated_at", "expected_points", "covered_points", "partial_points"]
            + ["missed_points", "point_coverage"],
            ratings,
        )
        self.copy(PointMark, ["rating_id", "point_id", "mark"], marks)
        self.copy(Debrief, ["candidate_id", "opened_at", "opening"], debriefs)
        self.copy(
            Decision,
            ["candidate_id", "outcome", "rationale", "level", "early_reason", "decided_by_id"]
            + ["decided_at", "reopen_reason"],
            decisions,
        )
        self.copy(
            Amendment,
            ["scorecard_id", "author_id", "created_at", "reason", "before", "after"],
            amendments,
        )
        self.store_results(candidate_ids)
        for model, key, tallies in (
            (AnswerTally, "interview_question_id", answer_tallies),
            (PointTally, "point_id", point_tallies),
        ):
            fields = list(next(iter(tallies.values()), {}))
            self.copy(
                model,
                [key, *fields],
                [(pk, *tally.values()) for pk, tally in tallies.items()],
            )
        days = DaySums.of(
            Interview.objects.filter(pk__range=(interview_ids[0], interview_ids[-1]))
        )
        return Batch(graded=list(loops), shadowed=sorted(shadowed), days=days)

    def snapshot(self, interview_ids, first_asked, first_point):
        """Copy the plan's bank questions, points and anchors into the batch's interviews,
        in the database, as InterviewQuestion.snapshot would: the asked questions numbered
        in interview then position order, their points in question then position order."""
        count = len(self.plan)
        plan = ", ".join(["(%s, %s, %s)"] * count)
        params = [value for step in self.plan for value in step]
        span = [interview_ids[0], interview_ids[-1]]
        asked = [first_asked, first_asked + len(interview_ids) * count - 1]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH plan (question_id, position, version_id) AS (VALUES {plan})
                INSERT INTO interviews_interviewquestion
                    (id, interview_id, question_id, question_version_id, position,
                     follow_up_number, prompt, topic_id, kind, intent, guidance,
                     reference_answer, suggested_minutes)
                SELECT %s + (i.id - %s) * {count} + plan.position - 1, i.id, q.id,
                       plan.version_id, plan.position, 0, q.prompt, q.topic_id, q.kind,
                       q.intent, q.guidance, q.reference_answer, q.suggested_minutes
                FROM interviews_interview i
                CROSS JOIN plan
                JOIN questions_question q ON q.id = plan.question_id
                WHERE i.id BETWEEN %s AND %s
                """,
                [*params, first_asked, interview_ids[0], *span],
            )
            cursor.execute(
                """
                INSERT INTO interviews_interviewpoint
                    (id, interview_question_id, position, text, weight)
                SELECT %s - 1 + ROW_NUMBER() OVER (ORDER BY iq.id, p.position),
                       iq.id, p.position, p.text, p.weight
                FROM interviews_interviewquestion iq
                JOIN questions_answerpoint p ON p.question_id = iq.question_id
                WHERE iq.id BETWEEN %s AND %s
                """,
                [first_point, *asked],
            )
            cursor.execute(
                """
                INSERT INTO interviews_interviewanchor (interview_question_id, level, text)
                SELECT iq.id, a.level, a.text
                FROM interviews_interviewquestion iq
                JOIN questions_levelanchor a ON a.question_id = iq.question_id
                WHERE iq.id BETWEEN %s AND %s
                ORDER BY iq.id, a.id
                """,
                asked,
            )

    def store_results(self, candidate_ids):
        """The batch's candidates' results, computed by scoring.results as a submit or amend
        stores them, and written in bulk."""
        fresh = list(results.fresh_results(candidate_ids=list(candidate_ids)).values())
        for result, pk in zip(fresh, self.ids(CandidateResult, len(fresh)), strict=True):
            result.pk = pk
        result_fields = ["id", "candidate_id", "question_set_id", *results.RESULT_FIELDS]
        json_fields = {"topic_means", "grid"}
        now = self.when(timezone.now())
        self.copy(
            CandidateResult,
            [*result_fields, "updated_at"],
            [
                tuple(
                    json.dumps(getattr(r, f)) if f in json_fields else getattr(r, f)
                    for f in result_fields
                )
                + (now,)
                for r in fresh
            ],
        )
        mean_fields = ["result_id", "question_set_id", "topic_id", "candidate_id", "name", "mean"]
        self.copy(
            TopicMean,
            mean_fields,
            [
                tuple(getattr(row, f) for f in mean_fields)
                for r in fresh
                for row in results.topic_mean_rows(r)
            ],
        )


# The writer a batch-writing process was given (Writer.write_batches).
_writer = None


def _adopt(writer):
    global _writer
    _writer = writer


def _write_batch(first):
    return _writer.write_batch(first)
