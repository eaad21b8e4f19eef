import datetime
import random

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from config import roles
from interviews.models import Candidate, Interview
from notifications import services as scheduling
from notifications.models import OutgoingEmail
from questions.models import QuestionSet
from scoring import services as scoring_services
from scoring import sums
from scoring.models import (
    Amendment,
    Debrief,
    Decision,
    Mark,
    PointMark,
    Qualification,
    Rating,
    Scorecard,
)

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, full name, role (None for the superuser)
    ("admin", "Ada Admin", None),
    ("manager", "Morgan Manager", roles.HIRING_MANAGER),
    ("alice", "Alice Archer", roles.INTERVIEWER),
    ("bob", "Bob Baker", roles.INTERVIEWER),
    ("tess", "Tess Turner", roles.INTERVIEWER),
]
# Tess is training: she shadowed these two panels (two of the three agreeing scorecards that
# would qualify her on the Backend Developer set).
SHADOWED = {"Priya Raman", "Tom Becker"}
DEMO_EMAIL_DOMAIN = "candidates.example.com"

# name, question set, status, days from today, ability (1–4) as alice and bob would judge it
DEMO_INTERVIEWS = [
    ("Priya Raman", "backend-developer", "completed", -9, (3.3, 3.6)),
    ("Tom Becker", "backend-developer", "completed", -6, (2.1, 3.1)),
    ("Lena Fischer", "junior-backend-developer", "completed", -5, (1.6, 2.0)),
    ("Marco Rossi", "junior-backend-developer", "in_progress", 0, (2.9, 2.7)),
    ("Aiko Tanaka", "backend-developer", "scheduled", 2, (3.0, 3.0)),
    ("Sam Okafor", "junior-backend-developer", "cancelled", 1, (2.5, 2.5)),
]
# More completed interviews, so that the compare page is worth looking at.
MORE_CANDIDATES = [
    "Noah Schmidt",
    "Fatima Zahra",
    "Kenji Watanabe",
    "Olivia Brown",
    "Mateo García",
    "Chloé Martin",
    "Ivan Petrov",
    "Grace Mensah",
    "Ravi Kumar",
    "Elena Popescu",
]
NOTES = {
    1: ["Could not explain the basics.", "Confused the terms; needed a lot of prompting."],
    2: ["Knew the words, shaky on the why.", "Partly right; missed the trade-offs."],
    3: ["Solid answer with a real example.", "Clear and correct; a little brief."],
    4: ["Excellent: trade-offs, examples and pitfalls.", "Taught me something; very clear."],
}
SUMMARIES = {
    1: "Not ready for this role: gaps in the fundamentals.",
    2: "Some good moments, but too many gaps for now.",
    3: "Good, practical knowledge; would work well in the team.",
    4: "Outstanding depth and clarity; hire.",
}


class Command(BaseCommand):
    help = (
        "Create demo users (password 'demo'), candidates, interviews and scorecards for local "
        "use. Safe to run again. Refuses when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with the password 'demo' and only runs with "
                "DJANGO_DEBUG=1. It is not for production."
            )
        with transaction.atomic():
            users = {
                username: self.ensure_user(username, full_name, role)
                for username, full_name, role in DEMO_USERS
            }
            if not Candidate.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists():
                self.create_interviews(users)
            if not Candidate.objects.filter(email__endswith=f"@{HISTORY_EMAIL_DOMAIN}").exists():
                create_history(
                    manager=users["manager"], interviewers=[users["alice"], users["bob"]]
                )
            # Invitations to the demo users would only flood the console.
            OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.INVITATION, sent_at=None).delete()
            # The times were moved back after the scorecards were summed (when each was
            # submitted, and how long after its interview): the sums are made again from
            # them. Nothing is written when they are right, as on a second run.
            sums.recompute_sums()
        self.stdout.write("Demo logins (password for each: demo):")
        for username, _, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role or 'Superuser'}")

    def ensure_user(self, username, full_name, role):
        first_name, last_name = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    def create_interviews(self, users):
        slugs = {slug for _, slug, *_ in DEMO_INTERVIEWS}
        question_sets = {s.slug: s for s in QuestionSet.objects.filter(slug__in=slugs)}
        if len(question_sets) != len(slugs):
            raise CommandError(
                "Load the seed question sets first: "
                "python manage.py loaddata junior-backend-developer backend-developer"
            )
        chance = random.Random(20261121)  # the same demo every time
        interviewers = [users["alice"], users["bob"]]
        for question_set in question_sets.values():  # experienced: qualified by the admin
            for interviewer in interviewers:
                Qualification.objects.get_or_create(
                    interviewer=interviewer,
                    question_set=question_set,
                    defaults={"granted_by": users["admin"]},
                )
        today = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        more = []
        for number, name in enumerate(MORE_CANDIDATES):
            ability = chance.uniform(1.4, 3.8)
            slug = "backend-developer" if number % 3 else "junior-backend-developer"
            # Panels mostly agree; every fourth one is split.
            other = ability + (
                chance.choice([-1.3, 1.3]) if number % 4 == 1 else chance.gauss(0, 0.3)
            )
            more.append((name, slug, "completed", -20 + number, (ability, other)))
        for name, slug, status, days, abilities in [*DEMO_INTERVIEWS, *more]:
            question_set = question_sets[slug]
            candidate = Candidate.objects.create(
                name=name,
                email=f"{name.lower().replace(' ', '.')}@{DEMO_EMAIL_DOMAIN}",
                role_applied_for=question_set.title,
            )
            interview = scheduling.schedule_interview(
                candidate=candidate,
                question_set=question_set,
                stage="Technical interview",
                scheduled_at=today + datetime.timedelta(days=days)
                if days
                else timezone.now() - datetime.timedelta(minutes=30),
                interviewers=interviewers,
                questions=list(question_set.questions.filter(is_active=True)[:8]),
                created_by=users["manager"],
                # Those still to come are anonymised: the panel sees each candidate's code.
                anonymised=status == "scheduled",
                shadows=[users["tess"]] if name in SHADOWED else [],
            )
            if status == "cancelled":
                scheduling.cancel_interview(interview=interview)
                continue
            if status == "scheduled":
                continue
            scoring_services.start_interview(interview=interview)
            for interviewer, ability in zip(interviewers, abilities, strict=True):
                # In the interview still running, bob has rated only part of it so far.
                submit = status == "completed" or interviewer == users["alice"]
                self.score(interview, interviewer, ability, chance, submit)
            if name in SHADOWED:
                # Her own generator, so the rest of the demo stays as it was.
                trainee = random.Random(name)
                self.score(interview, users["tess"], sum(abilities) / 2, trainee, True)
            # Times as if the interview had happened when it was scheduled.
            Interview.objects.filter(pk=interview.pk).update(started_at=interview.scheduled_at)
            Interview.objects.filter(pk=interview.pk, status="completed").update(
                completed_at=interview.scheduled_at + datetime.timedelta(hours=1)
            )
        # A panel that met yesterday and owes both scorecards, so that the first run of
        # send_reminders has reminders and a digest to send.
        scheduling.schedule_interview(
            candidate=Candidate.objects.get(name="Tom Becker"),
            question_set=question_sets["backend-developer"],
            stage="System design interview",
            scheduled_at=today - datetime.timedelta(days=1),
            interviewers=interviewers,
            questions=list(
                question_sets["backend-developer"].questions.filter(is_active=True)[:4]
            ),
            created_by=users["manager"],
        )

    def score(self, interview, interviewer, ability, chance, submit):
        scorecard = scoring_services.scorecard_for(interview=interview, interviewer=interviewer)
        questions = list(interview.questions.prefetch_related("points"))
        if not submit:
            questions = questions[: len(questions) // 2]
        for question in questions:
            if chance.random() < 0.08:
                scoring_services.save_answer(
                    interview_question=question, interviewer=interviewer, skipped=True
                )
                continue
            score = min(4, max(1, round(chance.gauss(ability, 0.6))))
            notes = chance.choice(NOTES[score])
            marks = {}
            for point in question.points.all():
                covered = chance.random() < score / 4.5
                marks[point.pk] = (
                    Mark.COVERED if covered else chance.choice([Mark.PARTIAL, Mark.MISSED])
                )
            scoring_services.save_answer(
                interview_question=question,
                interviewer=interviewer,
                score=score,
                notes=notes,
                marks=marks,
            )
        if submit:
            recommendation = min(4, max(1, round(ability + chance.uniform(-0.4, 0.4))))
            scoring_services.submit_scorecard(
                scorecard=scorecard,
                recommendation=recommendation,
                summary=SUMMARIES[recommendation],
            )


# A past of panel interviews for the calibration and question analytics pages: four
# interviewers, three to a panel, one of them lenient and one harsh, and two questions whose
# ratings have nothing to do with the candidate.
HISTORY_EMAIL_DOMAIN = "history.example.com"
HISTORY_CANDIDATES = 32
HISTORY_INTERVIEWERS = [
    # username, full name, how much higher than the rest they rate
    ("carlos", "Carlos Ortega", 0.8),
    ("dana", "Dana Whitfield", -0.8),
]
# Hours from the end of the interview to submitting, typically, for alice, bob, carlos, dana.
HISTORY_DELAYS = [3, 20, 40, 6]
HISTORY_NOISE_QUESTIONS = {6, 7}  # places in the plan, counted from 0
# A question that leaked: candidates of the last 90 days rate a point higher on it (one of
# the noise questions, whose ratings every interviewer draws alike, so that the leak moves no
# interviewer's leniency).
HISTORY_LEAKED_QUESTION, HISTORY_LEAK_DAYS, HISTORY_LEAK = 6, 90, 1.0
FIRST_NAMES = ["Ana", "Ben", "Chen", "Dario", "Eva", "Femi", "Gita", "Hugo"]
LAST_NAMES = ["Adler", "Bauer", "Costa", "Duarte"]


def create_history(*, manager, interviewers):
    """Submitted scorecards of past interviews, bulk-written as drafts and submitted through
    the service (which stores the results), so that `make run` stays quick."""
    chance = random.Random(20261129)
    panel = [(user, 0.0) for user in interviewers]
    for username, full_name, bias in HISTORY_INTERVIEWERS:
        first_name, last_name = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.INTERVIEWER))
        panel.append((user, bias))
    question_set = QuestionSet.objects.get(slug="backend-developer")
    # Six questions the other demo interviews ask too, then two only these ask.
    questions = list(question_set.questions.filter(is_active=True)[:10])
    questions = questions[:6] + questions[8:10]
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    # From the day's interview hour, so that the demo is the same at any time of day.
    leak_start = start - datetime.timedelta(days=HISTORY_LEAK_DAYS)
    for number in range(HISTORY_CANDIDATES):
        name = f"{FIRST_NAMES[number % 8]} {LAST_NAMES[number // 8]}"
        candidate = Candidate.objects.create(
            name=name,
            email=f"{name.lower().replace(' ', '.')}@{HISTORY_EMAIL_DOMAIN}",
            role_applied_for=question_set.title,
        )
        members = [panel[(number + offset) % 4] for offset in range(3)]
        scheduled = start - datetime.timedelta(days=120 - 3 * number)
        interview = scheduling.schedule_interview(
            candidate=candidate,
            question_set=question_set,
            stage="Technical interview",
            scheduled_at=scheduled,
            interviewers=[user for user, _ in members],
            questions=questions,
            created_by=manager,
        )
        interview.start(at=scheduled)
        ability = chance.uniform(1.3, 3.8)
        asked = list(interview.questions.prefetch_related("points"))
        minutes = sum(question.suggested_minutes for question in asked)
        for user, bias in members:
            scorecard = scoring_services.scorecard_for(interview=interview, interviewer=user)
            ratings, marks = [], []
            for position, question in enumerate(asked):
                if chance.random() < 0.05:
                    ratings.append(
                        Rating(scorecard=scorecard, interview_question=question, skipped=True)
                    )
                    continue
                if position in HISTORY_NOISE_QUESTIONS:
                    level = chance.gauss(2.6, 0.9)
                else:
                    level = ability + bias + chance.gauss(0, 0.35)
                if position == HISTORY_LEAKED_QUESTION and scheduled >= leak_start:
                    level += HISTORY_LEAK
                score = min(4, max(1, round(level)))
                rating = Rating(scorecard=scorecard, interview_question=question, score=score)
                ratings.append(rating)
                for point in question.points.all():
                    covered = chance.random() < score / 4.5
                    mark = Mark.COVERED if covered else chance.choice([Mark.PARTIAL, Mark.MISSED])
                    marks.append(PointMark(rating=rating, point=point, mark=mark))
            Rating.objects.bulk_create(ratings)
            PointMark.objects.bulk_create(marks)
            verdict = min(4, max(1, round(ability + bias + chance.uniform(-0.4, 0.4))))
            scoring_services.submit_scorecard(
                scorecard=scorecard, recommendation=verdict, summary=SUMMARIES[verdict]
            )
            delay = HISTORY_DELAYS[[user for user, _ in panel].index(user)]
            Scorecard.objects.filter(pk=scorecard.pk).update(
                submitted_at=scheduled
                + datetime.timedelta(minutes=minutes, hours=chance.expovariate(1 / delay))
            )
        Interview.objects.filter(pk=interview.pk).update(
            completed_at=scheduled + datetime.timedelta(minutes=minutes)
        )
        debrief_and_decide(
            interview,
            manager=manager,
            number=number,
            opened=scheduled + datetime.timedelta(minutes=minutes, hours=48),
        )


def debrief_and_decide(interview, *, manager, number, opened):
    """After a past candidate's debrief: every fourth, the panel's outlier moves their
    recommendation a step toward the others; then most are decided, by the panel's mean
    recommendation (one in six stays undecided), so that the calibration page's figures
    after debriefs and the compare decisions have data. Their times are moved back to the
    interview's: the debrief `opened`, amendments an hour on, decisions a day on."""
    scorecards = list(interview.scorecards.order_by("interviewer__username"))
    verdicts = [scorecard.recommendation for scorecard in scorecards]
    mean = sum(verdicts) / len(verdicts)
    if number % 4 == 1:
        outlier = max(scorecards, key=lambda scorecard: abs(scorecard.recommendation - mean))
        step = 1 if outlier.recommendation < mean else -1
        if outlier.recommendation != round(mean):
            scoring_services.amend_scorecard(
                scorecard=outlier,
                author=outlier.interviewer,
                reason="Changed my mind in the debrief.",
                recommendation=outlier.recommendation + step,
                summary=outlier.summary,
                answers={},
            )
    Debrief.objects.filter(candidate=interview.candidate).update(opened_at=opened)
    Amendment.objects.filter(scorecard__in=scorecards).update(
        created_at=opened + datetime.timedelta(hours=1)
    )
    if number % 6 == 5:
        return
    outcome = "hire" if mean >= 3 else "no_hire" if mean <= 2.2 else "hold"
    decision = scoring_services.record_decision(
        candidate=interview.candidate,
        manager=manager,
        outcome=outcome,
        rationale=RATIONALES[outcome],
        level="Mid-level" if outcome == "hire" else "",
    )
    Decision.objects.filter(pk=decision.pk).update(decided_at=opened + datetime.timedelta(days=1))


RATIONALES = {
    "hire": "The panel agrees on the evidence: strong where the role needs it.",
    "no_hire": "Clear gaps on the core questions; the panel agrees.",
    "hold": "Split panel: waiting for the other candidates of this round.",
}
