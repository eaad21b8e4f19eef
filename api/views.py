"""The JSON API. Each view finds objects with the access lookups the pages use (so others'
objects are 404 here too) and writes through the same services, so nothing the pages refuse
is possible."""

import hashlib
import json
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.forms import ascii_integer
from interviews import selectors as interview_selectors
from interviews import services as interview_services
from interviews.access import MANAGE_INTERVIEWS, get_assigned_interview, get_interview_for
from interviews.forms import CandidateForm
from interviews.models import Candidate, Interview
from notifications import services as scheduling
from questions.models import Question, QuestionSet
from scoring import calibration_sums, debrief, question_sums, selectors
from scoring import services as scoring_services
from scoring.access import MANAGER_PERMISSION, check_may_read_scorecards, get_scorecard_for
from scoring.comparison import Comparison
from scoring.forms import CalibrationFilters
from scoring.views.calibration import CURATOR_PERMISSION

from . import serializers as s
from .errors import Conflict, PreconditionFailed


class Private:
    """API responses carry candidates' and scorecards' data like the pages do: no cache may
    keep them. The middleware that says so for pages cannot see a token's user."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response


def require_perms(request, *perms):
    if not request.user.has_perms(perms):
        raise PermissionDenied


def form_errors(form):
    return exceptions.ValidationError(
        {field or "detail": list(messages) for field, messages in form.errors.items()}
    )


# The bank ------------------------------------------------------------------------------------


class QuestionSetList(Private, generics.ListAPIView):
    serializer_class = s.QuestionSetSerializer
    queryset = QuestionSet.objects.order_by("title", "pk")


class QuestionSetDetail(Private, generics.RetrieveAPIView):
    serializer_class = s.QuestionSetDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return QuestionSet.objects.prefetch_related(
            "questions__topic", "questions__points", "questions__anchors"
        ).order_by("pk")


# Candidates ----------------------------------------------------------------------------------


class CandidateList(Private, generics.ListCreateAPIView):
    """Hiring managers' candidates; `q` keeps those whose name, email or role has every word."""

    serializer_class = s.CandidateSerializer

    def get_queryset(self):
        require_perms(self.request, "interviews.view_candidate")
        return interview_selectors.search_candidates(self.request.query_params.get("q", ""))

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Search words")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: s.CandidateSerializer})
    def post(self, request, *args, **kwargs):
        require_perms(request, "interviews.add_candidate")
        candidate = save_candidate(request, Candidate())
        return Response(s.CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)


def save_candidate(request, candidate):
    """Through the page's form, so the limits and the duplicate-email rule are the same."""
    serializer = s.CandidateSerializer(candidate, data=request.data, partial=bool(candidate.pk))
    serializer.is_valid(raise_exception=True)
    current = {field: getattr(candidate, field) for field in CandidateForm.Meta.fields}
    form = CandidateForm(current | serializer.validated_data, instance=candidate)
    if not form.is_valid():
        raise form_errors(form)
    return scoring_services.save_candidate(form=form)


class CandidateDetail(Private, APIView):
    @extend_schema(responses=s.CandidateSerializer)
    def get(self, request, pk):
        require_perms(request, "interviews.view_candidate")
        return Response(s.CandidateSerializer(get_object_or_404(Candidate, pk=pk)).data)

    @extend_schema(request=s.CandidateSerializer, responses=s.CandidateSerializer)
    def patch(self, request, pk):
        require_perms(request, "interviews.change_candidate")
        candidate = get_object_or_404(Candidate, pk=pk)
        if candidate.is_erased:
            raise Conflict("This candidate was erased.")
        return Response(s.CandidateSerializer(save_candidate(request, candidate)).data)


class CandidateExport(Private, APIView):
    @extend_schema(responses={200: OpenApiResponse(description="Everything stored about them")})
    def get(self, request, pk):
        require_perms(request, "interviews.view_candidate")
        candidate = get_object_or_404(Candidate, pk=pk)
        return Response(scoring_services.export_candidate(candidate=candidate, actor=request.user))


class CandidateErase(Private, APIView):
    @extend_schema(request=None, responses=s.CandidateSerializer)
    def post(self, request, pk):
        require_perms(request, "interviews.change_candidate")
        candidate = get_object_or_404(Candidate, pk=pk)
        if candidate.is_erased:
            raise Conflict("This candidate was already erased.")
        candidate = scoring_services.erase_candidate(candidate=candidate, actor=request.user)
        return Response(s.CandidateSerializer(candidate).data)


# Interviews ----------------------------------------------------------------------------------

STATUS_PARAMETER = OpenApiParameter("status", str, enum=Interview.Status.values)
ORDERING = {"scheduled_at", "-scheduled_at"}


class InterviewList(Private, generics.ListAPIView):
    """Hiring managers see every interview; an interviewer, those assigned to them."""

    serializer_class = s.InterviewSerializer

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        interviews = Interview.objects.select_related("candidate", "question_set")
        if not user.has_perms(MANAGE_INTERVIEWS):
            require_perms(self.request, "interviews.view_interview")
            interviews = interviews.filter(interviewers=user)
        if params.get("status") in Interview.Status.values:
            interviews = interviews.filter(status=params["status"])
        candidate = params.get("candidate", "")
        if candidate:
            # A malformed id matches nothing, as an unknown one does.
            number = ascii_integer(candidate, signed=False, max_digits=18)
            interviews = (
                interviews.filter(candidate=number) if number is not None else interviews.none()
            )
        ordering = params.get("ordering")
        ordering = ordering if ordering in ORDERING else "scheduled_at"
        return interviews.prefetch_related("interviewers").order_by(ordering, "pk")

    @extend_schema(
        parameters=[
            STATUS_PARAMETER,
            OpenApiParameter("candidate", int, description="A candidate's id"),
            OpenApiParameter("ordering", str, enum=sorted(ORDERING)),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.ScheduleSerializer, responses={201: s.InterviewSerializer})
    def post(self, request):
        require_perms(request, *MANAGE_INTERVIEWS)
        serializer = s.ScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        question_set = QuestionSet.objects.filter(slug=data["question_set"]).first()
        candidate = Candidate.objects.filter(pk=data["candidate"]).first()
        errors = {}
        if question_set is None:
            errors["question_set"] = ["No question set has this slug."]
        if candidate is None:
            errors["candidate"] = ["No candidate has this id."]
        users = {u.username: u for u in interview_services.interviewer_pool()}
        for field in ("interviewers", "shadows"):
            unknown = [name for name in data[field] if name not in users]
            if unknown:
                errors[field] = [f"Not in the Interviewer group: {', '.join(unknown)}."]
        questions = Question.objects.in_bulk(data["questions"])
        missing = [pk for pk in data["questions"] if pk not in questions]
        if missing:
            errors["questions"] = [f"No question has the id {missing[0]}."]
        if errors:
            raise exceptions.ValidationError(errors)
        interview = scheduling.schedule_interview(
            candidate=candidate,
            question_set=question_set,
            stage=data["stage"].strip() or "Technical interview",
            scheduled_at=data["scheduled_at"],
            interviewers=[users[name] for name in data["interviewers"]],
            questions=[questions[pk] for pk in data["questions"]],
            created_by=request.user,
            anonymised=data["anonymised"],
            shadows=[users[name] for name in data["shadows"]],
        )
        return Response(
            s.InterviewSerializer(interview, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class InterviewDetail(Private, APIView):
    @extend_schema(responses=s.InterviewSerializer)
    def get(self, request, pk):
        return Response(
            s.InterviewSerializer(
                get_interview_for(request.user, pk), context={"request": request}
            ).data
        )


class InterviewCancel(Private, APIView):
    @extend_schema(request=None, responses=s.InterviewSerializer)
    def post(self, request, pk):
        require_perms(request, "interviews.change_interview")
        interview = get_object_or_404(Interview, pk=pk)
        if interview.status != Interview.Status.CANCELLED:
            try:
                interview = scheduling.cancel_interview(interview=interview)
            except ValidationError as error:
                raise Conflict(" ".join(error.messages)) from error
        return Response(s.InterviewSerializer(interview, context={"request": request}).data)


class InterviewReschedule(Private, APIView):
    @extend_schema(request=s.RescheduleSerializer, responses=s.InterviewSerializer)
    def post(self, request, pk):
        require_perms(request, "interviews.change_interview")
        interview = get_object_or_404(Interview, pk=pk)
        serializer = s.RescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        users = {u.username: u for u in interview_services.interviewer_pool()}
        for field in ("interviewers", "shadows"):
            unknown = [name for name in data.get(field, []) if name not in users]
            if unknown:
                raise exceptions.ValidationError(
                    {field: [f"Not in the Interviewer group: {', '.join(unknown)}."]}
                )
        if "interviewers" in data:
            panel = [users[name] for name in data["interviewers"]]
        else:
            panel = list(interview.interviewers.exclude(shadowed_interviews=interview))
        shadows = [users[name] for name in data["shadows"]] if "shadows" in data else None
        if interview.status != Interview.Status.SCHEDULED:
            raise Conflict(
                f"This interview is {interview.get_status_display().lower()}: only a "
                "scheduled interview can be moved."
            )
        interview = scheduling.reschedule_interview(
            interview=interview,
            scheduled_at=data.get("scheduled_at", interview.scheduled_at),
            interviewers=panel,
            anonymised=data.get("anonymised"),
            shadows=shadows,
        )
        return Response(s.InterviewSerializer(interview, context={"request": request}).data)


class InterviewScorecards(Private, APIView):
    """The submitted scorecards of an interview, with the page's blind rule: an interviewer
    reads them only once their own is submitted."""

    @extend_schema(responses=s.SubmittedScorecardSerializer(many=True))
    def get(self, request, pk):
        interview = get_object_or_404(Interview, pk=pk)
        check_may_read_scorecards(request.user, interview)
        scorecards = interview.scorecards.filter(submitted_at__isnull=False).select_related(
            "interviewer"
        )
        return Response(s.SubmittedScorecardSerializer(scorecards, many=True).data)


# Scorecards ----------------------------------------------------------------------------------


def my_scorecard(interview, user):
    """The reader's own scorecard as the API shows it, and its ETag."""
    scorecard = scoring_services.existing_scorecard(interview=interview, interviewer=user)
    answers = list(selectors.live_questions(interview, user, scorecard))
    data = s.ScorecardSerializer(
        {
            "id": scorecard.pk if scorecard else None,
            "interview": interview.pk,
            "interviewer": user.username,
            "submitted_at": scorecard.submitted_at if scorecard else None,
            "recommendation": scorecard.recommendation if scorecard else None,
            "summary": scorecard.summary if scorecard else "",
            "answers": answers,
        }
    ).data
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return data, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@contextmanager
def writing_scorecard(request, interview):
    """The one way the API writes the reader's own scorecard: in one transaction, with the
    scorecard's row locked, so that writers of it take turns and the If-Match check and the
    write are one step. A write with If-Match applies only to the scorecard as the writer
    last read it (412 otherwise)."""
    with transaction.atomic():
        list(
            interview.scorecards.select_for_update()
            .filter(interviewer=request.user)
            .values_list("pk")
        )
        expected = request.headers.get("If-Match")
        if expected and expected != "*":
            _, etag = my_scorecard(interview, request.user)
            if etag not in [tag.strip() for tag in expected.split(",")]:
                raise PreconditionFailed()
        yield


def scorecard_response(interview, user, status_code=200):
    data, etag = my_scorecard(interview, user)
    return Response(data, status=status_code, headers={"ETag": etag})


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag last read: a write to a scorecard that changed since is refused "
    "with 412.",
)


class MyScorecard(Private, APIView):
    """The reader's own scorecard for an interview assigned to them: draft or submitted."""

    @extend_schema(responses=s.ScorecardSerializer)
    def get(self, request, pk):
        interview = get_assigned_interview(request.user, pk)
        return scorecard_response(interview, request.user)


class MyAnswer(Private, APIView):
    @extend_schema(
        request=s.AnswerChangeSerializer,
        responses=s.ScorecardSerializer,
        parameters=[IF_MATCH],
        description="Change an answer of one's own draft: any of score, skipped, notes and "
        "marks. A submitted scorecard, or a closed interview, refuses with 409.",
    )
    def patch(self, request, pk, question_pk):
        interview = get_assigned_interview(request.user, pk)
        question = get_object_or_404(
            selectors.questions_for(interview, request.user), pk=question_pk
        )
        serializer = s.AnswerChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = dict(serializer.validated_data)
        if change.get("skipped") and change.get("score") is not None:
            raise exceptions.ValidationError(
                {"skipped": ["A skipped question has no rating: send one or the other."]}
            )
        with writing_scorecard(request, interview):
            scoring_services.save_answer(
                interview_question=question, interviewer=request.user, **change
            )
        return scorecard_response(interview, request.user)


class MyFollowUps(Private, APIView):
    @extend_schema(
        request=s.FollowUpSerializer,
        responses={201: s.FollowUpCreatedSerializer},
        parameters=[IF_MATCH],
    )
    def post(self, request, pk):
        interview = get_assigned_interview(request.user, pk)
        serializer = s.FollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        after = get_object_or_404(
            selectors.questions_for(interview, request.user), pk=data["after"]
        )
        with writing_scorecard(request, interview):
            follow_up = interview_services.add_follow_up(
                after=after,
                interviewer=request.user,
                prompt=data["prompt"],
                points=data["points"],
                client_key=data.get("client_key"),
            )
        return Response(
            s.FollowUpCreatedSerializer(follow_up).data, status=status.HTTP_201_CREATED
        )


class MySubmission(Private, APIView):
    @extend_schema(
        request=s.SubmitSerializer, responses=s.ScorecardSerializer, parameters=[IF_MATCH]
    )
    def post(self, request, pk):
        interview = get_assigned_interview(request.user, pk)
        serializer = s.SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with writing_scorecard(request, interview):
            draft = scoring_services.scorecard_for(interview=interview, interviewer=request.user)
            scoring_services.submit_scorecard(
                scorecard=draft,
                recommendation=int(serializer.validated_data["recommendation"]),
                summary=serializer.validated_data["summary"],
            )
            scheduling.debrief_ready(candidate=interview.candidate)
        return scorecard_response(interview, request.user)


class MyAmendment(Private, APIView):
    @extend_schema(
        request=s.AmendSerializer,
        responses=s.ScorecardSerializer,
        parameters=[IF_MATCH],
        description="Change one's submitted scorecard, saying why; the earlier values are "
        "kept for the hiring managers.",
    )
    def post(self, request, pk):
        interview = get_assigned_interview(request.user, pk)
        serializer = s.AmendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with writing_scorecard(request, interview):
            scorecard = scoring_services.existing_scorecard(
                interview=interview, interviewer=request.user
            )
            if scorecard is None or not scorecard.is_submitted:
                raise Conflict("Only a submitted scorecard is amended; a draft is simply edited.")
            scoring_services.amend_scorecard(
                scorecard=scorecard,
                author=request.user,
                reason=data["reason"],
                recommendation=int(data["recommendation"]),
                summary=data["summary"],
                answers={
                    answer["question"]: (answer["score"], answer["notes"])
                    for answer in data["answers"]
                },
            )
        return scorecard_response(interview, request.user)


class ScorecardDetail(Private, APIView):
    """A scorecard by id, with the page's blind rule: its author always, a hiring manager once
    it is submitted, a colleague once both theirs and it are submitted; 404 otherwise."""

    @extend_schema(responses=s.SubmittedScorecardSerializer)
    def get(self, request, pk):
        return Response(s.SubmittedScorecardSerializer(get_scorecard_for(request.user, pk)).data)


# Results -------------------------------------------------------------------------------------


def by_topic_slug(means: dict, topics) -> dict:
    """Stored means are keyed topic_<pk>; the API names topics by their slugs."""
    return {
        topic.slug: means[selectors.topic_column(topic)]
        for topic in topics
        if means.get(selectors.topic_column(topic)) is not None
    }


class CandidateDecisions(Private, APIView):
    """A candidate's hiring decisions, newest first (the standing one, if any, has
    `standing`), for hiring managers; a hiring manager with a write token records one."""

    @extend_schema(responses=s.DecisionSerializer(many=True))
    def get(self, request, pk):
        require_perms(request, MANAGER_PERMISSION)
        candidate = get_object_or_404(Candidate, pk=pk)
        return Response(s.DecisionSerializer(debrief.debrief_decisions(candidate), many=True).data)

    @extend_schema(request=s.DecideSerializer, responses={201: s.DecisionSerializer})
    def post(self, request, pk):
        require_perms(request, MANAGER_PERMISSION)
        candidate = get_object_or_404(Candidate, pk=pk)
        serializer = s.DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = scoring_services.record_decision(
            candidate=candidate, manager=request.user, **serializer.validated_data
        )
        return Response(s.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class CandidateResults(Private, APIView):
    """A candidate's stored result on each question set they ran, as on their page."""

    @extend_schema(responses=s.CandidateResultSerializer(many=True))
    def get(self, request, pk):
        require_perms(request, MANAGER_PERMISSION)
        candidate = get_object_or_404(Candidate, pk=pk)
        results, topics = selectors.results_of(candidate)
        for result in results:
            result.topic_means = by_topic_slug(result.topic_means, topics)
        return Response(s.CandidateResultSerializer(results, many=True).data)


class Calibration(Private, APIView):
    """The calibration page's figures: each interviewer's submissions, ratings and leniency,
    and the panel's agreement (Krippendorff's α, ordinal), over submitted scorecards."""

    @extend_schema(
        parameters=[
            OpenApiParameter("set", str, description="A question set's slug"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Interviews from this day"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Interviews up to this day"),
            OpenApiParameter("stage", str, description="An interview stage"),
        ],
        responses=s.CalibrationSerializer,
    )
    def get(self, request):
        require_perms(request, MANAGER_PERMISSION)
        form = CalibrationFilters(request.query_params)
        if not form.is_valid():
            raise form_errors(form)
        figures = {
            "interviewers": calibration_sums.interviewer_figures(**form.filters()),
            "agreement": calibration_sums.agreement_figures(**form.filters()),
        }
        return Response(s.CalibrationSerializer(figures).data)


class QuestionAnalytics(Private, APIView):
    """The question analytics page's exposure figures and flags for each question of a set:
    candidates asked in the last 30, 90 and 365 days and in all, first and last asked, the
    share of the set's interviews that asked it. For curators and superusers: keeping the bank
    fresh is theirs (the page shows hiring managers the rest of its figures)."""

    @extend_schema(responses=s.QuestionAnalyticsSerializer)
    def get(self, request, slug):
        require_perms(request, CURATOR_PERMISSION)
        question_set = get_object_or_404(QuestionSet, slug=slug)
        figures = {
            "question_set": question_set,
            "questions": question_sums.question_analytics(question_set),
        }
        return Response(s.QuestionAnalyticsSerializer(figures).data)


class Compare(Private, generics.ListAPIView):
    """The compare page's rows: candidates who ran a question set, with its filters (role,
    interview status) and sorts (a column name, `-` first for descending)."""

    serializer_class = s.CompareRowSerializer

    def get_queryset(self):
        require_perms(self.request, MANAGER_PERMISSION)
        slug = self.request.query_params.get("set", "")
        if not QuestionSet.objects.filter(slug=slug).exists():
            raise exceptions.ValidationError({"set": ["No question set has this slug."]})
        self.comparison = Comparison.from_request(self.request, choices=False)
        return self.comparison.results()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for result in page:
            result.topic_means = {
                topic.slug: result.topic_means.get(selectors.topic_column(topic))
                for topic in self.comparison.topics
            }
        return page

    @extend_schema(
        parameters=[
            OpenApiParameter("set", str, required=True, description="A question set's slug"),
            OpenApiParameter("role", str, description="The role applied for"),
            STATUS_PARAMETER,
            OpenApiParameter(
                "sort",
                str,
                description="name, scorecards, mean, median, spread, tally, coverage or "
                "topic-<id>; a leading - reverses it",
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# Tokens --------------------------------------------------------------------------------------


class MyTokens(Private, generics.ListAPIView):
    """The reader's own tokens (never their secrets, which are shown once)."""

    serializer_class = s.TokenSerializer

    def get_queryset(self):
        return self.request.user.api_tokens.active()
