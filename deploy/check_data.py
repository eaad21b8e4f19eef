"""The data of `make deploy-check` (deploy/check.py), run by `manage.py shell -c` against the
check's own database: CHECK_STEP=setup makes it, CHECK_STEP=verify reads what the run left.
Prints one JSON object. Test factories make the data: the check runs with requirements-dev."""

import json
import os
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from api.models import create_token
from config import roles
from interviews.models import Candidate
from interviews.tests.factories import CandidateFactory, interviewer_user, planned_interview
from notifications.models import OutgoingEmail
from questions.tests.factories import UserFactory
from scoring.models import Rating

INTERVIEWERS = int(os.environ.get("CHECK_INTERVIEWERS", 50))


def session_for(user):
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def setup():
    interviewers = []
    for number in range(INTERVIEWERS):
        user = interviewer_user(f"load{number:02}")
        interview = planned_interview(interviewers=[user], questions=5, points=2)
        interviewers.append(
            {
                "username": user.username,
                "session": session_for(user),
                "interview": interview.pk,
                "questions": list(
                    interview.questions.order_by("position").values_list("pk", flat=True)
                ),
            }
        )
    manager = UserFactory(username="load-manager", role=roles.HIRING_MANAGER)
    question_set = planned_interview(interviewers=[user], questions=3).question_set
    return {
        "interviewers": interviewers,
        "csrf": secrets.token_hex(16),  # 32 characters: a CSRF secret, as cookie and header
        "token": create_token(user=manager, name="deploy-check", can_write=True)[1],
        "question_set": question_set.slug,
        "bank_questions": list(
            question_set.questions.order_by("position").values_list("pk", flat=True)
        ),
        "candidates": [CandidateFactory(name=f"Load candidate {n}").pk for n in range(200)],
    }


def verify():
    ratings = {}
    for rating in Rating.objects.select_related("scorecard__interviewer"):
        key = f"{rating.scorecard.interviewer.username}:{rating.interview_question_id}"
        ratings.setdefault(key, []).append(rating.notes)
    emails = OutgoingEmail.objects.order_by("pk")
    return {
        "ratings": ratings,
        "emails": [[email.to, email.subject, email.sent_at is not None] for email in emails],
        "tasks": dict(DBTaskResult.objects.values_list("status").annotate(Count("id"))),
        "candidates": Candidate.objects.count(),
    }


print(json.dumps(setup() if os.environ["CHECK_STEP"] == "setup" else verify()))
