"""Who may open what. Every URL the project has, taken from the URL configuration, is
requested with ids of real objects as each role, and the outcome is checked against one table.
A URL nobody has classified fails, and so does a row for a URL that no longer exists.

Then every write endpoint is given the ids of another interviewer's interview, question,
point or scorecard, and must refuse and change nothing."""

import json
import uuid
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import SlugConverter
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Invitation
from accounts.models import digest as invitation_digest
from api.models import ApiToken, create_token
from audit.models import AuditEvent
from config import roles
from interviews import services as interview_services
from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion
from interviews.tests.factories import interviewer_user, planned_interview
from notifications import services as notifications
from notifications.models import CalendarFeed, InterviewCalendar, OutgoingEmail, Reminder
from ops.models import WorkerHeartbeat
from questions.models import AnswerPoint, Question, QuestionSet, Topic
from questions.tests.factories import UserFactory
from scoring.models import Amendment, PointMark, Qualification, Rating, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unassigned", "before", "after", "manager", "curator", "superuser"]

# An outcome is a status code, or the name of the view a 302 leads to.
LOGIN = "login"
ADMIN_LOGIN = "admin:login"
# Anyone without is_staff is sent to the admin's login page; anonymous visitors to a model's
# admin pages meet the site's login first (LoginRequiredMiddleware knows the admin's login URL
# for the site-wide admin views only).
NON_STAFF = (ADMIN_LOGIN,) * 5
MODEL_NON_STAFF = (LOGIN,) + (ADMIN_LOGIN,) * 4
# Sent to the login page with nowhere to come back to: a sign-in's second step without a first.
LOGIN_AFRESH = "login afresh"
REAUTHENTICATE = "account_reauthenticate"
FOR_MANAGERS = (LOGIN, 403, 403, 403, 200, 403, 200)
API_FOR_MANAGERS = (401, 403, 403, 403, 200, 403, 200)

# Columns: anonymous, an interviewer not assigned to the interview, the assigned interviewer
# before submitting (a draft with a rating and a mark), the assigned interviewer after
# submitting, hiring manager, question curator (staff), superuser.
# A key is a URL name, with [a variant] when the same URL is requested for another object.
# fmt: off
EXPECTED = {
    "login":                   (200, "home", "home", "home", "home", "home", "home"),
    "account_login":           (200, "home", "home", "home", "home", "home", "home"),
    "logout":                  (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    "home":                    (LOGIN, "my_interviews", "my_interviews", "my_interviews",
                                "interview_list", "question_sets", "interview_list"),
    "question_sets":           (LOGIN, 200, 200, 200, 200, 200, 200),
    "question_set_detail":     (LOGIN, 200, 200, 200, 200, 200, 200),
    "candidate_list":          FOR_MANAGERS,
    "candidate_create":        FOR_MANAGERS,
    "candidate_edit":          FOR_MANAGERS,
    "candidate_export":        FOR_MANAGERS,
    "candidate_erase":         (LOGIN, 403, 403, 403, "candidate_detail", 403, "candidate_detail"),
    "candidate_erase[confirm]": FOR_MANAGERS,
    "candidate_detail":        FOR_MANAGERS,
    # The loop's debrief: blind until all of one's own scorecards in the loop are in.
    "debrief":                 (LOGIN, 404, 403, 200, 200, 404, 200),
    "debrief_csv":             (LOGIN, 404, 403, 200, 200, 404, 200),
    "decide":                  (LOGIN, 403, 403, 403, "debrief", 403, "debrief"),
    # The world has no standing decision to reopen.
    "reopen_decision":         (LOGIN, 403, 403, 403, 404, 403, 404),
    "interview_list":          FOR_MANAGERS,
    "schedule_interview":      FOR_MANAGERS,
    "my_interviews":           (LOGIN, 200, 200, 200, 200, 403, 200),
    "interview_detail":        (LOGIN, 404, 404, 404, 200, 404, 200),
    "cancel_interview":        (LOGIN, 403, 403, 403, "interview_detail", 403, "interview_detail"),
    "live_interview":          (LOGIN, 404, 200, "interview_scorecards", 404, 404, 404),
    "start_interview":         (LOGIN, 404, "live_interview", "live_interview", 404, 404, 404),
    "save_answer":             (LOGIN, 404, "live_interview", 409, 404, 404, 404),
    "add_follow_up":           (LOGIN, 404, "live_interview", 409, 404, 404, 404),
    "finish_scorecard":        (LOGIN, 404, 200, "interview_scorecards", 404, 404, 404),
    "interview_scorecards":    (LOGIN, 404, 403, 200, 200, 404, 200),
    "scorecard_detail":        (LOGIN, 404, 404, 200, 200, 404, 200),
    "scorecard_detail[draft]": (LOGIN, 404, 200, 404, 404, 404, 404),
    "amend_scorecard":         (LOGIN, 404, 404, 200, 404, 404, 404),
    "compare":                 FOR_MANAGERS,
    "compare_grid":            FOR_MANAGERS,
    "compare_csv":             FOR_MANAGERS,
    "compare_detail_csv":      FOR_MANAGERS,
    "tokens":                  (LOGIN, 200, 200, 200, 200, 200, 200),
    "token_revoke":            (LOGIN, 404, "tokens", 404, 404, 404, 404),
    # The JSON API: 401 without credentials; otherwise the pages' rules, as status codes.
    "api_schema":              (401, 200, 200, 200, 200, 200, 200),
    "api_docs":                (401, 200, 200, 200, 200, 200, 200),
    "api_tokens":              (401, 200, 200, 200, 200, 200, 200),
    "api_question_sets":       (401, 200, 200, 200, 200, 200, 200),
    "api_question_set":        (401, 200, 200, 200, 200, 200, 200),
    # The bank's exposure and flags: curators' and superusers' (issue 25).
    "api_question_analytics":  (401, 403, 403, 403, 403, 200, 200),
    "api_candidates":          API_FOR_MANAGERS,
    "api_candidates[create]":  (401, 403, 403, 403, 201, 403, 201),
    "api_candidate":           API_FOR_MANAGERS,
    "api_candidate[update]":   API_FOR_MANAGERS,
    "api_candidate_export":    API_FOR_MANAGERS,
    "api_candidate_erase":     API_FOR_MANAGERS,
    "api_candidate_results":   API_FOR_MANAGERS,
    "api_candidate_decisions": API_FOR_MANAGERS,
    "api_candidate_decisions[decide]": (401, 403, 403, 403, 201, 403, 201),
    "api_compare":             API_FOR_MANAGERS,
    "api_calibration":         API_FOR_MANAGERS,
    "api_interviews":          (401, 200, 200, 200, 200, 403, 200),
    "api_interviews[schedule]": (401, 403, 403, 403, 201, 403, 201),
    "api_interview":           (401, 404, 200, 200, 200, 404, 200),
    "api_interview_cancel":    API_FOR_MANAGERS,
    "api_interview_reschedule": API_FOR_MANAGERS,
    "api_interview_scorecards": (401, 404, 403, 200, 200, 404, 200),
    "api_my_scorecard":        (401, 404, 200, 200, 404, 404, 404),
    "api_my_answer":           (401, 404, 200, 409, 404, 404, 404),
    "api_my_follow_ups":       (401, 404, 201, 409, 404, 404, 404),
    "api_my_submission":       (401, 404, 200, 409, 404, 404, 404),
    "api_my_amendment":        (401, 404, 409, 200, 404, 404, 404),
    "api_scorecard":           (401, 404, 404, 200, 200, 404, 200),
    "api_scorecard[draft]":    (401, 404, 200, 404, 404, 404, 404),
    "reschedule_interview":    FOR_MANAGERS,
    "interview_calendar":      (LOGIN, 404, 200, 200, 404, 404, 404),
    "my_calendar":             (LOGIN, 200, 200, 200, 200, 403, 200),
    "renew_calendar_feed":     (LOGIN,) + ("my_calendar",) * 4 + (403, "my_calendar"),
    # Public with its secret token (calendar apps cannot log in); a renewed feed's old token
    # opens nothing.
    "calendar_feed":           (200,) * 7,
    "calendar_feed[old]":      (404,) * 7,
    "calibration":             FOR_MANAGERS,
    "calibration_interviewers_csv": FOR_MANAGERS,
    "calibration_agreement_csv": FOR_MANAGERS,
    "question_analytics":      (LOGIN, 403, 403, 403, 200, 200, 200),
    # The Django admin: staff only; the pages of a model follow admin_expectations() below.
    "admin:login":             (200, 200, 200, 200, 200, "admin:index", "admin:index"),
    "admin:logout":            (ADMIN_LOGIN,) + ("admin:index",) * 4 + (LOGIN, LOGIN),
    "admin:index":             NON_STAFF + (200, 200),
    "admin:password_change":   NON_STAFF + (200, 200),
    "admin:password_change_done": NON_STAFF + (200, 200),
    "admin:jsi18n":            NON_STAFF + (200, 200),
    # Without the field it completes, autocomplete refuses anyone.
    "admin:autocomplete":      NON_STAFF + (403, 403),
    "admin:view_on_site":      NON_STAFF + ("candidate_edit", "candidate_edit"),
    # Logs are written by the app, never by hand: nobody adds one in the admin, and nobody
    # deletes an audit event (which only superusers read).
    "admin:axes_accessattempt_add":    MODEL_NON_STAFF + (403, 403),
    "admin:axes_accesslog_add":        MODEL_NON_STAFF + (403, 403),
    "admin:axes_accessfailurelog_add": MODEL_NON_STAFF + (403, 403),
    "admin:audit_auditevent_add":      MODEL_NON_STAFF + (403, 403),
    "admin:audit_auditevent_delete":   MODEL_NON_STAFF + (403, 403),
    # Second factors are only deleted in the admin (a person who lost theirs), never made.
    "admin:mfa_authenticator_add":     MODEL_NON_STAFF + (403, 403),
    # Single sign-on: off in this world, so its provider is not found (accounts/tests/
    # test_sso_access.py requests them with a provider); everyone here has a role.
    "openid_connect_login":    (404,) * 7,
    "openid_connect_callback": (404,) * 7,
    "no_role":                 (LOGIN,) + ("home",) * 6,
    # Invitations: admins invite anyone, managers interviewers; the link is public, once.
    "invitations":             FOR_MANAGERS,
    "resend_invitation":       (LOGIN, 403, 403, 403, "invitations", 403, "invitations"),
    "revoke_invitation":       (LOGIN, 403, 403, 403, "invitations", 403, "invitations"),
    "accept_invitation":       (200,) * 7,
    "accept_invitation[used]": (410,) * 7,
    "password_reset":          (200,) * 7,
    "password_reset_done":     (200,) * 7,
    "password_reset_confirm":  (200,) * 7,
    "password_reset_complete": (200,) * 7,
    # Two-factor (password accounts): the superuser has an authenticator app, nobody here a
    # passkey. Changing them asks for the password again first (force_login
    # records no recent sign-in); the code page belongs to a sign-in under way, so everyone is
    # sent to log in afresh.
    "mfa_index":               (LOGIN,) + (200,) * 6,
    "mfa_authenticate":        (LOGIN_AFRESH,) + ("home",) * 6,
    "mfa_reauthenticate":      (LOGIN,) + (REAUTHENTICATE,) * 5 + (200,),
    "mfa_reauthenticate_webauthn": (LOGIN,) + (REAUTHENTICATE,) * 6,
    "mfa_activate_totp":       (LOGIN,) + (REAUTHENTICATE,) * 6,
    "mfa_deactivate_totp":     (LOGIN,) + (404,) * 5 + (REAUTHENTICATE,),
    "mfa_add_webauthn":        (LOGIN,) + (REAUTHENTICATE,) * 6,
    "mfa_remove_webauthn":     (LOGIN,) + (REAUTHENTICATE,) * 6,
    "recovery_codes":          (LOGIN,) + ("mfa_index",) * 5 + (200,),
    "account_reauthenticate":  (LOGIN,) + (200,) * 6,
    # Background tasks are enqueued by the app and kept: superusers read them and run failed
    # ones again (ops/admin.py), nobody adds or deletes one.
    "admin:django_tasks_database_dbtaskresult_add":    MODEL_NON_STAFF + (403, 403),
    "admin:django_tasks_database_dbtaskresult_delete": MODEL_NON_STAFF + (403, 403),
    # Probes for the orchestrator, open to all; metrics only for DJANGO_METRICS_ALLOWED_IPS or
    # DJANGO_METRICS_TOKEN (ops/tests/test_metrics.py), which no role here has.
    "healthz":                 (200,) * 7,
    "readyz":                  (200,) * 7,
    "metrics":                 (403,) * 7,
    # A question's history: a recorded version, read-only, and restoring one (asked, then
    # done). Curators and superusers only, as the rest of the bank's admin.
    "admin:questions_question_simple_history": MODEL_NON_STAFF + (200, 200),
    "admin:questions_question_restore":        MODEL_NON_STAFF + (200, 200),
    "admin:questions_question_restore[post]":  MODEL_NON_STAFF + (
        "admin:questions_question_history", "admin:questions_question_history"),
}
# fmt: on

# Curators hold every permission on the models of these apps, and none on other apps'.
CURATED_APPS = {"questions"}


# The object behind each URL kwarg, by URL (attributes of the world below). A slug kwarg
# takes the object's slug, any other its primary key.
URL_OBJECTS = {
    "question_set_detail": {"slug": "question_set"},
    "question_analytics": {"slug": "question_set"},
    "candidate_edit": {"pk": "candidate"},
    "candidate_detail": {"pk": "candidate"},
    "debrief": {"pk": "candidate"},
    "debrief_csv": {"pk": "candidate"},
    "decide": {"pk": "candidate"},
    "reopen_decision": {"pk": "candidate"},
    "candidate_export": {"pk": "candidate"},
    "candidate_erase": {"pk": "candidate"},
    "candidate_erase[confirm]": {"pk": "candidate"},
    "interview_detail": {"pk": "interview"},
    "cancel_interview": {"pk": "interview"},
    "live_interview": {"pk": "interview"},
    "start_interview": {"pk": "interview"},
    "save_answer": {"pk": "interview", "question_pk": "question"},
    "add_follow_up": {"pk": "interview", "question_pk": "question"},
    "finish_scorecard": {"pk": "interview"},
    "interview_scorecards": {"pk": "interview"},
    "scorecard_detail": {"pk": "submitted"},
    "scorecard_detail[draft]": {"pk": "draft"},
    "amend_scorecard": {"pk": "submitted"},
    "reschedule_interview": {"pk": "interview"},
    "interview_calendar": {"pk": "interview"},
    "calendar_feed": {"token": "feed"},
    "calendar_feed[old]": {"token": "old_feed"},
    "admin:view_on_site": {"content_type_id": "candidate_type", "object_id": "candidate"},
    "token_revoke": {"pk": "token"},
    "resend_invitation": {"pk": "invitation"},
    "revoke_invitation": {"pk": "invitation"},
    "mfa_remove_webauthn": {"pk": "passkey"},
    "accept_invitation": {"token": "invitation_link"},
    "accept_invitation[used]": {"token": "used_invitation_link"},
    "password_reset_confirm": {"uidb64": "reset_uid", "token": "reset_token"},
    "openid_connect_login": {"provider_id": "sso_provider"},
    "openid_connect_callback": {"provider_id": "sso_provider"},
    "api_question_set": {"slug": "question_set"},
    "api_question_analytics": {"slug": "question_set"},
    "api_candidate": {"pk": "candidate"},
    "api_candidate[update]": {"pk": "candidate"},
    "api_candidate_export": {"pk": "candidate"},
    "api_candidate_erase": {"pk": "candidate"},
    "api_candidate_results": {"pk": "candidate"},
    "api_candidate_decisions": {"pk": "candidate"},
    "api_candidate_decisions[decide]": {"pk": "candidate"},
    "api_interview": {"pk": "interview"},
    "api_interview_cancel": {"pk": "interview"},
    "api_interview_reschedule": {"pk": "interview"},
    "api_interview_scorecards": {"pk": "interview"},
    "api_my_scorecard": {"pk": "interview"},
    "api_my_answer": {"pk": "interview", "question_pk": "question"},
    "api_my_follow_ups": {"pk": "interview"},
    "api_my_submission": {"pk": "interview"},
    "api_my_amendment": {"pk": "interview"},
    "api_scorecard": {"pk": "submitted"},
    "api_scorecard[draft]": {"pk": "draft"},
}

# Admin URLs whose arguments are more than the model's object: a question and its version.
ADMIN_ARGS = {
    "admin:questions_question_simple_history": lambda world: {
        "args": [world.question.question_id, world.version.pk]
    },
    "admin:questions_question_restore": lambda world: {
        "kwargs": {"object_id": world.question.question_id, "version_id": world.version.pk}
    },
}

QUERIES = {
    "api_compare": lambda world: {"set": world.question_set.slug},
    "compare_grid": lambda world: {
        "set": world.question_set.slug,
        "candidate": [world.candidate.pk, world.other_interview.candidate_id],
    },
}

# POST-only endpoints are posted to, with a body that tries to change something, so that
# every refusal is seen to change nothing. Everything else is requested with GET.
POSTED = {
    "logout": lambda world: {},
    "admin:logout": lambda world: {},
    "cancel_interview": lambda world: {},
    "candidate_erase": lambda world: {},
    "renew_calendar_feed": lambda world: {},
    "start_interview": lambda world: {},
    "save_answer": lambda world: {
        "score": "4",
        "notes": "PROBE",
        f"mark-{world.point.pk}": "0",
    },
    "add_follow_up": lambda world: {"prompt": "PROBE?", "points": "One\nTwo"},
    "token_revoke": lambda world: {},
    "resend_invitation": lambda world: {},
    "revoke_invitation": lambda world: {},
    "admin:questions_question_restore[post]": lambda world: {},
    "decide": lambda world: {"outcome": "hire", "rationale": "PROBE", "early_reason": "PROBE"},
    "reopen_decision": lambda world: {"reason": "PROBE"},
    # The API's writes take JSON.
    "api_candidates[create]": lambda world: {"name": "PROBE", "email": "probe@example.com"},
    "api_candidate[update]": lambda world: {"notes": "PROBE"},
    "api_candidate_erase": lambda world: {},
    "api_candidate_decisions[decide]": lambda world: {
        "outcome": "hire",
        "rationale": "PROBE",
        "early_reason": "PROBE",
    },
    "api_interviews[schedule]": lambda world: schedule_body(world),
    "api_interview_cancel": lambda world: {},
    # Its day kept: an interview with a submitted scorecard cannot move.
    "api_interview_reschedule": lambda world: {
        "scheduled_at": world.interview.scheduled_at.isoformat()
    },
    "api_my_answer": lambda world: api_answer(world.point),
    "api_my_follow_ups": lambda world: {"after": world.question.pk, "prompt": "PROBE?"},
    "api_my_submission": lambda world: {"recommendation": 4, "summary": "PROBE"},
    "api_my_amendment": lambda world: api_amendment(world),
}
# The API's writes that are not POSTs.
METHODS = {"api_my_answer": "PATCH", "api_candidate[update]": "PATCH"}


def api_answer(point):
    return {"score": 1, "notes": "PROBE", "marks": {str(point.pk): 0}}


def api_amendment(world):
    return {
        "reason": "PROBE",
        "recommendation": 1,
        "answers": [{"question": world.question.pk, "score": 1, "notes": "PROBE"}],
    }


def schedule_body(world):
    return {
        "candidate": world.candidate.pk,
        "question_set": world.question_set.slug,
        "stage": "PROBE",
        "scheduled_at": "2030-01-01T10:00:00Z",
        "interviewers": [world.users["before"].username],
        "questions": [world.question.question_id],
    }


# The URL configuration ---------------------------------------------------------------------


def named_patterns(resolver=None, namespace=""):
    """Every named URL pattern as ("namespace:name", pattern), namespaces included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner and namespace:
                inner = f"{namespace}:{inner}"
            yield from named_patterns(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


PATTERNS = dict(named_patterns())


def admin_model(name):
    """The registered model an admin URL name belongs to (admin:<app>_<model>_<view>)."""
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def admin_expectations():
    """The admin pages of every registered model, and each app's index: staff with the model
    permissions of the app open them; other staff get 403 (404 for an app index, which hides
    apps they may not see); anyone else is sent to a login page."""
    expected = {}
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        curator = 200 if app_label in CURATED_APPS else 404
        expected[f"admin:app_list[{app_label}]"] = NON_STAFF + (curator, 200)
    for name in PATTERNS:
        if model := admin_model(name):
            curator = 200 if model._meta.app_label in CURATED_APPS else 403
            expected[name] = MODEL_NON_STAFF + (curator, 200)
    return expected


def url_name(key):
    return key.partition("[")[0]


TABLE = {**admin_expectations(), **EXPECTED}
# What the walk requests: every row whose URL exists, and every URL without a row (which then
# fails as unclassified).
KEYS = sorted(
    {key for key in TABLE if url_name(key) in PATTERNS}
    | (set(PATTERNS) - {url_name(key) for key in TABLE})
)


def test_every_url_is_classified_and_every_row_is_a_url():
    rows = {url_name(key) for key in TABLE}
    assert sorted(set(PATTERNS) - rows) == [], "URLs with no row in EXPECTED: classify them"
    assert sorted(rows - set(PATTERNS)) == [], "rows in EXPECTED for URLs that no longer exist"
    assert {key: len(row) for key, row in TABLE.items() if len(row) != len(ROLES)} == {}


# One world of real objects, built once --------------------------------------------------------


def build_world():
    """An interview with two assigned interviewers: "before" has a draft, "after" added a
    follow-up of their own and submitted. The unassigned interviewer ran (and submitted)
    another interview, of another candidate, on the same question set."""
    before = interviewer_user("bea")
    after = interviewer_user("abe")
    unassigned = interviewer_user("una")
    interview = planned_interview(interviewers=[before, after], questions=2, points=2)
    question, second = interview.questions.order_by("position")
    follow_up = interview_services.add_follow_up(
        after=question,
        interviewer=after,
        prompt="AFTER-FOLLOW-UP?",
        points=["AFTER-POINT"],
        client_key=uuid.uuid4(),
    )
    other_interview = planned_interview(
        interviewers=[unassigned], question_set=interview.question_set
    )
    other_question = other_interview.questions.order_by("position").first()
    access = {
        "username": "intruder",
        "ip_address": "192.0.2.1",
        "user_agent": "curl",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    world = SimpleNamespace(
        users={
            "anonymous": None,
            "unassigned": unassigned,
            "before": before,
            "after": after,
            "manager": UserFactory(username="harper", role=roles.HIRING_MANAGER),
            "curator": UserFactory(username="cora", role=roles.QUESTION_CURATOR, is_staff=True),
            "superuser": UserFactory(username="sam", is_staff=True, is_superuser=True),
        },
        question_set=interview.question_set,
        candidate=interview.candidate,
        candidate_type=ContentType.objects.get_for_model(Candidate),
        interview=interview,
        question=question,
        point=question.points.order_by("position").first(),
        follow_up=follow_up,
        # Each with a rating, notes and a mark on the questions it answers.
        draft=write_scorecard(
            interview, before, [3, 3], notes=["bea-NOTES"] * 2, marks=[[2], [2]], submit=False
        ),
        submitted=write_scorecard(  # the plan's first question and the follow-up
            interview, after, [3, 3], notes=["abe-NOTES"] * 2, marks=[[2], [2]], summary="Hire."
        ),
        other_interview=other_interview,
        other_question=other_question,
        other_scorecard=write_scorecard(
            other_interview, unassigned, [3], notes=["una-NOTES"], marks=[[2]], summary="Hire."
        ),
        token=create_token(user=before, name="BEFORE-TOKEN")[0],
        # The objects the admin pages of each model are requested with.
        admin_objects={
            Topic: question.topic,
            QuestionSet: interview.question_set,
            Question: question.question,
            AnswerPoint: question.question.points.first(),
            User: before,
            Group: Group.objects.get(name=roles.INTERVIEWER),
            AccessAttempt: AccessAttempt.objects.create(
                **access, get_data="", post_data="", failures_since_start=1
            ),
            AccessLog: AccessLog.objects.create(**access),
            AccessFailureLog: AccessFailureLog.objects.create(**access),
            Qualification: Qualification.objects.create(
                interviewer=after, question_set=interview.question_set
            ),
            DBTaskResult: DBTaskResult.objects.create(
                args_kwargs={"args": [1], "kwargs": {}},
                task_path="notifications.tasks.send_email",
                backend_name="default",
                status="FAILED",
            ),
        },
    )
    # The assigned interviewer's calendar feed, by its token (a slug), and a revoked one.
    old_token = notifications.renew_calendar_feed(user=before).token
    world.old_feed = SimpleNamespace(slug=old_token)
    world.feed = SimpleNamespace(slug=notifications.renew_calendar_feed(user=before).token)
    world.sso_provider = SimpleNamespace(pk="sso")
    superuser = world.users["superuser"]
    Authenticator.objects.create(user=superuser, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    # Someone else's passkey (its credential made up: nobody here signs in with it).
    world.passkey = Authenticator.objects.create(
        user=UserFactory(username="pia"), type="webauthn", data={"name": "PIA-KEY"}
    )
    world.invitation = Invitation.objects.create(
        email="new@example.com",
        role=Invitation.Role.INTERVIEWER,
        invited_by=world.users["manager"],
        token_digest=invitation_digest("WORLD-INVITATION"),
        expires_at=timezone.now() + timedelta(days=7),
    )
    world.invitation_link = SimpleNamespace(pk="WORLD-INVITATION")
    world.manager_invitation = Invitation.objects.create(
        email="boss@example.com",
        role=Invitation.Role.HIRING_MANAGER,
        invited_by=world.users["superuser"],
        token_digest=invitation_digest("MANAGER-INVITATION"),
        expires_at=timezone.now() + timedelta(days=7),
    )
    Invitation.objects.create(
        email="old@example.com",
        role=Invitation.Role.INTERVIEWER,
        token_digest=invitation_digest("USED-INVITATION"),
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
    )
    world.used_invitation_link = SimpleNamespace(pk="USED-INVITATION")
    world.reset_uid = SimpleNamespace(pk="MQ")
    world.reset_token = SimpleNamespace(pk="not-a-valid-token")
    # An older version of the interview's first bank question, to read and to restore.
    world.version = question.question.history.earliest()
    bank_question = question.question
    bank_question.prompt = "EDITED PROMPT?"
    bank_question.save()
    world.sessions = {}
    for role, user in world.users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
            world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    world.rows = snapshot()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back after it, as TestCase.setUpTestData does;
    each test runs in a savepoint of its own, so every request meets the same world."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            built = build_world()
        yield built
        transaction.set_rollback(True)


def url_for(world, key):
    name = url_name(key)
    converters = PATTERNS[name].pattern.converters
    kwargs = {}
    if name == "admin:app_list":
        kwargs["app_label"] = key.partition("[")[2].rstrip("]")
    elif name in ADMIN_ARGS:
        return reverse(name, **ADMIN_ARGS[name](world))
    elif model := admin_model(name):
        obj = world.admin_objects.get(model) or model._default_manager.order_by("pk").first()
        assert obj is not None, f"{key}: the world has no {model._meta.label} to request"
        kwargs = dict.fromkeys(converters, obj.pk)
    else:
        objects = URL_OBJECTS.get(key, {})
        missing = set(converters) - set(objects)
        assert not missing, f"{key}: say in URL_OBJECTS what {sorted(missing)} refer to"
        for kwarg, attribute in objects.items():
            obj = getattr(world, attribute)
            slug = isinstance(converters.get(kwarg), SlugConverter)
            kwargs[kwarg] = obj.slug if slug else obj.pk
    url = reverse(name, kwargs=kwargs)
    if key in QUERIES:
        url += "?" + urlencode(QUERIES[key](world), doseq=True)
    return url


# Requests ------------------------------------------------------------------------------------

WATCHED = [
    ApiToken,
    Candidate,
    Interview,
    Interview.interviewers.through,
    InterviewQuestion,
    InterviewPoint,
    Scorecard,
    Rating,
    PointMark,
    Amendment,
    Qualification,
    AuditEvent,
    Topic,
    QuestionSet,
    Question,
    Question.history.model,
    AnswerPoint,
    AnswerPoint.history.model,
    User,
    User.groups.through,
    Group,
    CalendarFeed,
    InterviewCalendar,
    OutgoingEmail,
    Reminder,
    Invitation,
    DBTaskResult,
    WorkerHeartbeat,
    Authenticator,
]

# The only page that writes on GET, when it answers: an export is recorded in the audit log.
GET_WRITES = {
    "candidate_export": {"audit.AuditEvent"},
    "api_candidate_export": {"audit.AuditEvent"},
}


def snapshot():
    """Every row a request might change, as plain values (sessions and login logs aside)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in WATCHED
    }


def changed_tables(world):
    rows = snapshot()
    return sorted(label for label in rows if rows[label] != world.rows[label])


def request_as(world, role, method, url, data=None, **headers):
    client = Client(headers=headers)
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def redirect_target(response):
    location = urlsplit(response["Location"])
    try:
        return resolve(location.path).view_name, location
    except Resolver404:
        return response["Location"], location


def describe(response):
    if response.status_code in (301, 302):
        return f"302 → {redirect_target(response)[0]}"
    return str(response.status_code)


def matches(response, expected, url, role=None):
    if isinstance(expected, int):
        return response.status_code == expected
    if response.status_code != 302:
        return False
    target, location = redirect_target(response)
    if expected == LOGIN_AFRESH:
        return target == LOGIN and location.query == ""
    if target != expected:
        return False
    # Sent to log in, a visitor comes back where they were going (a signed-in user who logs
    # out is not sent back).
    next_url = parse_qs(location.query).get("next")
    if expected in (LOGIN, ADMIN_LOGIN):
        return next_url == [url] or (role != "anonymous" and next_url is None)
    return True


def is_refusal(expected):
    return expected in (400, 401, 403, 404, 405, 409, 412, LOGIN, ADMIN_LOGIN)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", KEYS)
def test_each_role_gets_what_the_table_says(world, key, role):
    if key not in TABLE:
        pytest.fail(f"{key} is not classified: add a row to EXPECTED")
    expected = TABLE[key][ROLES.index(role)]
    url = url_for(world, key)
    method = METHODS.get(key) or ("POST" if key in POSTED else "GET")
    response = request_as(world, role, method, url, POSTED[key](world) if key in POSTED else None)
    assert matches(response, expected, url, role), (
        f"{url}: expected {expected}, got {describe(response)}"
    )
    if expected == 401:  # the API challenges instead of sending anyone to a login page
        assert response["WWW-Authenticate"] == "Bearer", url
    allowed = GET_WRITES.get(key, set()) if expected == 200 else set()
    changed = [label for label in changed_tables(world) if label not in allowed]
    if method == "GET" or is_refusal(expected):
        assert changed == [], f"{method} {url} changed {changed}"


# Another interviewer's objects ---------------------------------------------------------------


def answer(point):
    return {"score": "1", "notes": "PROBE", "skipped": "0", f"mark-{point.pk}": "0"}


def amendment(world):
    question = world.question
    return {
        "reason": "PROBE",
        "recommendation": "1",
        "summary": "PROBE",
        f"score_{question.pk}": "1",
        f"notes_{question.pk}": "PROBE",
    }


def first_point(question):
    return question.points.order_by("position").first()


# Each write, aimed by an interviewer (or another role) at what is not theirs: the role, the
# URL name, its arguments, the body, and the refusal. Point ids travel in the body
# (mark-<point id>), so a point of another question is bad input (400), not a missing page.
# fmt: off
FOREIGN_WRITES = {
    "save_answer on an interview not assigned to them": (
        "unassigned", "save_answer", lambda w: [w.interview.pk, w.question.pk],
        lambda w: answer(w.point), 404),
    "save_answer on a colleague's follow-up": (
        "before", "save_answer", lambda w: [w.interview.pk, w.follow_up.pk],
        lambda w: answer(first_point(w.follow_up)), 404),
    "save_answer on a question of another interview": (
        "before", "save_answer", lambda w: [w.interview.pk, w.other_question.pk],
        lambda w: answer(first_point(w.other_question)), 404),
    "save_answer on their own interview, with another interview's question": (
        "unassigned", "save_answer", lambda w: [w.other_interview.pk, w.question.pk],
        lambda w: answer(w.point), 404),
    "save_answer marking a point of another interview": (
        "before", "save_answer", lambda w: [w.interview.pk, w.question.pk],
        lambda w: answer(first_point(w.other_question)), 400),
    "save_answer marking a point of a colleague's follow-up": (
        "before", "save_answer", lambda w: [w.interview.pk, w.question.pk],
        lambda w: answer(first_point(w.follow_up)), 400),
    "add_follow_up on an interview not assigned to them": (
        "unassigned", "add_follow_up", lambda w: [w.interview.pk, w.question.pk],
        lambda w: {"prompt": "PROBE?"}, 404),
    "add_follow_up after a colleague's follow-up": (
        "before", "add_follow_up", lambda w: [w.interview.pk, w.follow_up.pk],
        lambda w: {"prompt": "PROBE?"}, 404),
    "add_follow_up after a question of another interview": (
        "before", "add_follow_up", lambda w: [w.interview.pk, w.other_question.pk],
        lambda w: {"prompt": "PROBE?"}, 404),
    "start_interview not assigned to them": (
        "unassigned", "start_interview", lambda w: [w.interview.pk], lambda w: {}, 404),
    "finish_scorecard of an interview not assigned to them": (
        "unassigned", "finish_scorecard", lambda w: [w.interview.pk],
        lambda w: {"recommendation": "4", "summary": "PROBE"}, 404),
    "finish_scorecard as a hiring manager": (
        "manager", "finish_scorecard", lambda w: [w.interview.pk],
        lambda w: {"recommendation": "4", "summary": "PROBE"}, 404),
    "amend_scorecard of a colleague, before submitting": (
        "before", "amend_scorecard", lambda w: [w.submitted.pk], amendment, 404),
    "amend_scorecard of an interview they did not run": (
        "unassigned", "amend_scorecard", lambda w: [w.submitted.pk], amendment, 404),
    "amend_scorecard of another interview": (
        "after", "amend_scorecard", lambda w: [w.other_scorecard.pk], amendment, 404),
    "amend_scorecard of a colleague's draft": (
        "after", "amend_scorecard", lambda w: [w.draft.pk], amendment, 404),
    "amend_scorecard as a hiring manager": (
        "manager", "amend_scorecard", lambda w: [w.submitted.pk], amendment, 404),
    "amend_scorecard as a superuser": (
        "superuser", "amend_scorecard", lambda w: [w.submitted.pk], amendment, 404),
    "cancel_interview by an assigned interviewer": (
        "before", "cancel_interview", lambda w: [w.interview.pk], lambda w: {}, 403),
    "reschedule_interview by an assigned interviewer": (
        "before", "reschedule_interview", lambda w: [w.interview.pk],
        lambda w: {"scheduled_at": "2030-01-01T10:00", "interviewers": [w.users["before"].pk]},
        403),
    "renew_calendar_feed by a curator": (
        "curator", "renew_calendar_feed", lambda w: [], lambda w: {}, 403),
    "candidate_create by an interviewer": (
        "before", "candidate_create", lambda w: [],
        lambda w: {"name": "PROBE", "email": "probe@example.com"}, 403),
    "candidate_edit by an assigned interviewer": (
        "before", "candidate_edit", lambda w: [w.candidate.pk],
        lambda w: {"name": "PROBE", "email": "probe@example.com"}, 403),
    "candidate_erase by an assigned interviewer": (
        "before", "candidate_erase", lambda w: [w.candidate.pk], lambda w: {}, 403),
    "schedule_interview by an interviewer": (
        "before", "schedule_interview", lambda w: [],
        lambda w: {"candidate": w.candidate.pk, "question_set": w.question_set.pk,
                   "stage": "PROBE", "scheduled_at": "2030-01-01 10:00",
                   "interviewers": [w.users["before"].pk]}, 403),
    "deleting a bank question in the admin, as an interviewer": (
        "before", "admin:questions_question_delete", lambda w: [w.question.question_id],
        lambda w: {"post": "yes"}, ADMIN_LOGIN),
    "making themselves superuser in the admin, as a curator": (
        "curator", "admin:auth_user_change", lambda w: [w.users["curator"].pk],
        lambda w: {"username": "cora", "is_staff": "on", "is_superuser": "on"}, 403),
    "api_my_answer on an interview not assigned to them": (
        "unassigned", "api_my_answer", lambda w: [w.interview.pk, w.question.pk],
        lambda w: api_answer(w.point), 404),
    "api_my_answer on a colleague's follow-up": (
        "before", "api_my_answer", lambda w: [w.interview.pk, w.follow_up.pk],
        lambda w: api_answer(first_point(w.follow_up)), 404),
    "api_my_answer on a question of another interview": (
        "before", "api_my_answer", lambda w: [w.interview.pk, w.other_question.pk],
        lambda w: api_answer(first_point(w.other_question)), 404),
    "api_my_answer marking a point of another interview": (
        "before", "api_my_answer", lambda w: [w.interview.pk, w.question.pk],
        lambda w: api_answer(first_point(w.other_question)), 400),
    "api_my_answer marking a point of a colleague's follow-up": (
        "before", "api_my_answer", lambda w: [w.interview.pk, w.question.pk],
        lambda w: api_answer(first_point(w.follow_up)), 400),
    "api_my_follow_ups on an interview not assigned to them": (
        "unassigned", "api_my_follow_ups", lambda w: [w.interview.pk],
        lambda w: {"after": w.question.pk, "prompt": "PROBE?"}, 404),
    "api_my_follow_ups after a colleague's follow-up": (
        "before", "api_my_follow_ups", lambda w: [w.interview.pk],
        lambda w: {"after": w.follow_up.pk, "prompt": "PROBE?"}, 404),
    "api_my_follow_ups after a question of another interview": (
        "before", "api_my_follow_ups", lambda w: [w.interview.pk],
        lambda w: {"after": w.other_question.pk, "prompt": "PROBE?"}, 404),
    "api_my_submission of an interview not assigned to them": (
        "unassigned", "api_my_submission", lambda w: [w.interview.pk],
        lambda w: {"recommendation": 4}, 404),
    "api_my_submission as a hiring manager": (
        "manager", "api_my_submission", lambda w: [w.interview.pk],
        lambda w: {"recommendation": 4}, 404),
    "api_my_amendment of an interview they did not run": (
        "unassigned", "api_my_amendment", lambda w: [w.interview.pk], api_amendment, 404),
    "api_my_amendment as a hiring manager": (
        "manager", "api_my_amendment", lambda w: [w.interview.pk], api_amendment, 404),
    "api_my_amendment of a colleague's scorecard, before submitting": (
        "before", "api_my_amendment", lambda w: [w.interview.pk], api_amendment, 409),
    "api_interview_reschedule by an assigned interviewer": (
        "before", "api_interview_reschedule", lambda w: [w.interview.pk],
        lambda w: {"scheduled_at": "2030-01-01T10:00:00Z", "interviewers": ["bea"]}, 403),
    "api_interview_cancel by an assigned interviewer": (
        "before", "api_interview_cancel", lambda w: [w.interview.pk], lambda w: {}, 403),
    "api_candidates (create) by an interviewer": (
        "before", "api_candidates", lambda w: [],
        lambda w: {"name": "PROBE", "email": "probe@example.com"}, 403),
    "api_candidate (update) by an assigned interviewer": (
        "before", "api_candidate", lambda w: [w.candidate.pk], lambda w: {"notes": "PROBE"}, 403),
    "api_candidate_erase by an assigned interviewer": (
        "before", "api_candidate_erase", lambda w: [w.candidate.pk], lambda w: {}, 403),
    "token_revoke of a colleague's token": (
        "after", "token_revoke", lambda w: [w.token.pk], lambda w: {}, 404),
    "token_revoke of someone's token, as a superuser": (
        "superuser", "token_revoke", lambda w: [w.token.pk], lambda w: {}, 404),
    "api_interviews (schedule) by an interviewer": (
        "before", "api_interviews", lambda w: [], schedule_body, 403),
    "resend_invitation of an admin's manager invitation, as a manager": (
        "manager", "resend_invitation", lambda w: [w.manager_invitation.pk], lambda w: {}, 404),
    "revoke_invitation of an admin's manager invitation, as a manager": (
        "manager", "revoke_invitation", lambda w: [w.manager_invitation.pk], lambda w: {}, 404),
    "restoring a bank question's version, as an interviewer": (
        "before", "admin:questions_question_restore",
        lambda w: [w.question.question_id, w.version.pk], lambda w: {}, ADMIN_LOGIN),
    "restoring a bank question's version, as a hiring manager": (
        "manager", "admin:questions_question_restore",
        lambda w: [w.question.question_id, w.version.pk], lambda w: {}, ADMIN_LOGIN),
    "decide on their own candidate, as an interviewer who submitted": (
        "after", "decide", lambda w: [w.candidate.pk],
        lambda w: {"outcome": "hire", "rationale": "PROBE", "early_reason": "PROBE"}, 403),
    "api_candidate_decisions (decide) by an interviewer who submitted": (
        "after", "api_candidate_decisions", lambda w: [w.candidate.pk],
        lambda w: {"outcome": "hire", "rationale": "PROBE", "early_reason": "PROBE"}, 403),
    "reopen_decision on their own candidate, as an interviewer who submitted": (
        "after", "reopen_decision", lambda w: [w.candidate.pk], lambda w: {"reason": "PROBE"},
        403),
}
# fmt: on


@pytest.mark.parametrize("case", FOREIGN_WRITES)
def test_a_write_aimed_at_someone_elses_object_is_refused_and_changes_nothing(world, case):
    role, name, args, body, expected = FOREIGN_WRITES[case]
    url = reverse(name, args=args(world))
    method = "PATCH" if f"{name}[update]" in METHODS or name in METHODS else "POST"
    response = request_as(world, role, method, url, body(world))
    assert matches(response, expected, url), f"expected {expected}, got {describe(response)}"
    assert changed_tables(world) == []


def test_the_same_write_on_their_own_answer_does_change_it(world):
    """The control of the test above: the refusals are not a broken request."""
    url = reverse("save_answer", args=[world.interview.pk, world.question.pk])
    response = request_as(world, "before", "POST", url, answer(world.point))
    assert matches(response, "live_interview", url), describe(response)
    assert changed_tables(world) == ["scoring.PointMark", "scoring.Rating"]


def test_every_post_endpoint_is_aimed_at_someone_elses_object():
    """A new write endpoint needs a case above."""
    written = {name for _, name, *_ in FOREIGN_WRITES.values()}
    posted = {url_name(key) for key in POSTED} - {"logout", "admin:logout"}
    assert sorted(posted - written) == []


def test_a_colleagues_follow_up_key_does_not_return_their_follow_up(world):
    url = reverse("add_follow_up", args=[world.interview.pk, world.question.pk])
    body = {"prompt": "PROBE?", "client_key": str(world.follow_up.client_key)}
    response = request_as(world, "before", "POST", url, body, accept="application/json")
    assert "AFTER-FOLLOW-UP" not in response.text
    assert 400 <= response.status_code < 500
    assert changed_tables(world) == []
