import datetime
import random

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from config import roles
from interviews import services as interview_services
from interviews.models import Candidate, Interview
from notifications.models import OutgoingEmail
from questions.models import QuestionSet
from scoring import services as scoring_services
from scoring.models import Mark

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, full name, role (None for the superuser)
    ("admin", "Ada Admin", None),
    ("manager", "Morgan Manager", roles.HIRING_MANAGER),
    ("alice", "Alice Archer", roles.INTERVIEWER),
    ("bob", "Bob Baker", roles.INTERVIEWER),
]
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
            interview = interview_services.schedule_interview(
                candidate=candidate,
                question_set=question_set,
                stage="Technical interview",
                scheduled_at=today + datetime.timedelta(days=days)
                if days
                else timezone.now() - datetime.timedelta(minutes=30),
                interviewers=interviewers,
                questions=list(question_set.questions.filter(is_active=True)[:8]),
                created_by=users["manager"],
            )
            if status == "cancelled":
                interview_services.cancel_interview(interview=interview)
                continue
            if status == "scheduled":
                continue
            interview_services.start_interview(interview=interview)
            for interviewer, ability in zip(interviewers, abilities, strict=True):
                # In the interview still running, bob has rated only part of it so far.
                submit = status == "completed" or interviewer == users["alice"]
                self.score(interview, interviewer, ability, chance, submit)
            # Times as if the interview had happened when it was scheduled.
            Interview.objects.filter(pk=interview.pk).update(started_at=interview.scheduled_at)
            Interview.objects.filter(pk=interview.pk, status="completed").update(
                completed_at=interview.scheduled_at + datetime.timedelta(hours=1)
            )
        # A panel that met yesterday and owes both scorecards, so that the first run of
        # send_reminders has reminders and a digest to send.
        interview_services.schedule_interview(
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
        # Invitations to the demo users would only flood the console.
        OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.INVITATION, sent_at=None).delete()

    def score(self, interview, interviewer, ability, chance, submit):
        scorecard = scoring_services.scorecard_for(interview=interview, interviewer=interviewer)
        questions = list(interview.questions.prefetch_related("points"))
        if not submit:
            questions = questions[: len(questions) // 2]
        for question in questions:
            if chance.random() < 0.08:
                scoring_services.skip_question(
                    scorecard=scorecard, interview_question=question, skipped=True
                )
                continue
            score = min(4, max(1, round(chance.gauss(ability, 0.6))))
            scoring_services.rate_question(
                scorecard=scorecard, interview_question=question, score=score
            )
            scoring_services.write_notes(
                scorecard=scorecard, interview_question=question, notes=chance.choice(NOTES[score])
            )
            for point in question.points.all():
                covered = chance.random() < score / 4.5
                mark = Mark.COVERED if covered else chance.choice([Mark.PARTIAL, Mark.MISSED])
                scoring_services.mark_point(
                    scorecard=scorecard, interview_question=question, point=point, mark=mark
                )
        if submit:
            recommendation = min(4, max(1, round(ability + chance.uniform(-0.4, 0.4))))
            scoring_services.submit_scorecard(
                scorecard=scorecard,
                recommendation=recommendation,
                summary=SUMMARIES[recommendation],
            )
