"""The API's shapes. Input serializers only check types and sizes; every rule of the domain is
checked where the pages check it, by the forms and services the views call."""

from rest_framework import serializers

from config import limits
from config.forms import ascii_integer
from interviews.access import candidate_name_for
from interviews.models import (
    Candidate,
    Interview,
    InterviewAnchor,
    InterviewPoint,
    InterviewQuestion,
)
from questions.models import AnswerPoint, LevelAnchor, Question, QuestionSet
from scoring.models import CandidateResult, Decision, Mark, Recommendation, Score, Scorecard

from .models import ApiToken

# The largest id a database column holds: a bigger number is refused, not a server error.
MAX_ID = 2**63 - 1


def object_id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def text(limit, **kwargs):
    return serializers.CharField(
        max_length=limit,
        validators=[limits.refuse_control_characters],
        trim_whitespace=False,
        **kwargs,
    )


# The bank ------------------------------------------------------------------------------------


class AnswerPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnswerPoint
        fields = ["position", "text", "weight"]


class LevelAnchorSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelAnchor
        fields = ["level", "text"]


class QuestionSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    points = AnswerPointSerializer(many=True, read_only=True)
    anchors = LevelAnchorSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "slug",
            "position",
            "prompt",
            "topic",
            "kind",
            "intent",
            "guidance",
            "reference_answer",
            "suggested_minutes",
            "is_active",
            "points",
            "anchors",
        ]


class QuestionSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionSet
        fields = ["slug", "title", "level", "description"]


class QuestionSetDetailSerializer(QuestionSetSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(QuestionSetSerializer.Meta):
        fields = [*QuestionSetSerializer.Meta.fields, "questions"]


# Candidates and interviews -------------------------------------------------------------------


class CandidateSerializer(serializers.ModelSerializer):
    # Checked by the page's form, which accepts international addresses; erased is blank.
    email = serializers.CharField(max_length=254)

    class Meta:
        model = Candidate
        fields = ["id", "name", "email", "role_applied_for", "notes", "created_at", "erased_at"]
        read_only_fields = ["id", "created_at", "erased_at"]


class InterviewSerializer(serializers.ModelSerializer):
    candidate = serializers.PrimaryKeyRelatedField(read_only=True)
    candidate_name = serializers.SerializerMethodField(
        help_text="The candidate's name for hiring managers; for the panel of an anonymised "
        "interview, the candidate's code (`Candidate K7QM-4XZ9`)."
    )
    question_set = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    interviewers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    shadows = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        read_only=True,
        help_text="Those of the interviewers who are trainees: their scorecards never count.",
    )

    class Meta:
        model = Interview
        fields = [
            "id",
            "candidate",
            "candidate_name",
            "question_set",
            "stage",
            "status",
            "scheduled_at",
            "started_at",
            "completed_at",
            "interviewers",
            "shadows",
            "anonymised",
        ]

    def get_candidate_name(self, interview) -> str:
        return candidate_name_for(self.context["request"].user, interview)


class ScheduleSerializer(serializers.Serializer):
    candidate = object_id()
    question_set = serializers.SlugField(max_length=50)
    stage = text(200, default="Technical interview")
    scheduled_at = serializers.DateTimeField()
    interviewers = serializers.ListField(
        child=serializers.CharField(max_length=limits.USERNAME), min_length=1, max_length=50
    )
    questions = serializers.ListField(
        child=object_id(),
        min_length=1,
        max_length=200,
        help_text="Bank question ids of the set, in the order they are asked.",
    )
    shadows = serializers.ListField(
        child=serializers.CharField(max_length=limits.USERNAME),
        max_length=50,
        default=list,
        help_text="Usernames of trainees on the panel: they write scorecards that never count.",
    )
    anonymised = serializers.BooleanField(
        default=False,
        help_text="The panel sees the candidate's code, never their name, email, role or "
        "notes. Always on for a question set marked anonymised.",
    )


class RescheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(required=False)
    interviewers = serializers.ListField(
        child=serializers.CharField(max_length=limits.USERNAME),
        max_length=50,
        required=False,
        help_text="Usernames of the whole new panel; left out, the panel stays.",
    )
    shadows = serializers.ListField(
        child=serializers.CharField(max_length=limits.USERNAME),
        max_length=50,
        required=False,
        help_text="Usernames of the trainees on the new panel; left out, they stay.",
    )
    anonymised = serializers.BooleanField(required=False, help_text="Left out, it stays as it is.")


# Scorecards ----------------------------------------------------------------------------------


class PointSerializer(serializers.ModelSerializer):
    mark = serializers.ChoiceField(choices=Mark.choices, allow_null=True, read_only=True)

    class Meta:
        model = InterviewPoint
        fields = ["id", "position", "text", "weight", "mark"]


class InterviewAnchorSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterviewAnchor
        fields = ["level", "text"]


class AnswerSerializer(serializers.ModelSerializer):
    """An asked question with the reader's answer to it, and its rating anchors as planned."""

    label = serializers.CharField(read_only=True)
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    points = PointSerializer(many=True, read_only=True)
    anchors = InterviewAnchorSerializer(many=True, read_only=True)
    score = serializers.SerializerMethodField()
    skipped = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta:
        model = InterviewQuestion
        fields = [
            "id",
            "label",
            "position",
            "follow_up_number",
            "prompt",
            "topic",
            "intent",
            "guidance",
            "points",
            "anchors",
            "score",
            "skipped",
            "notes",
        ]

    def get_score(self, question) -> int | None:
        return question.rating.score if question.rating else None

    def get_skipped(self, question) -> bool:
        return bool(question.rating and question.rating.skipped)

    def get_notes(self, question) -> str:
        return question.rating.notes if question.rating else ""


class ScorecardSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Empty until the first save.")
    interview = serializers.IntegerField()
    interviewer = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    answers = AnswerSerializer(many=True)


class SubmittedScorecardSerializer(serializers.ModelSerializer):
    interviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "interview",
            "interviewer",
            "submitted_at",
            "recommendation",
            "summary",
            "score_mean",
            "coverage",
            "shadow",
        ]


class AnswerChangeSerializer(serializers.Serializer):
    """Any of the fields; those left out stay as they are. null clears a score or a mark."""

    score = serializers.ChoiceField(choices=Score.choices, allow_null=True, required=False)
    skipped = serializers.BooleanField(required=False)
    notes = text(limits.NOTES, required=False, allow_blank=True)
    marks = serializers.DictField(
        child=serializers.ChoiceField(choices=Mark.choices, allow_null=True),
        required=False,
        help_text="Marks by expected point id: 2 covered, 1 partial, 0 missed, null unmarked.",
    )

    def validate_marks(self, marks):
        if len(marks) > 100:
            raise serializers.ValidationError("At most 100 marks in one change.")
        ids = [ascii_integer(key, signed=False, max_digits=19) for key in marks]
        if not all(point is not None and point <= MAX_ID for point in ids):
            raise serializers.ValidationError("Marks are keyed by expected point id.")
        return dict(zip(ids, marks.values(), strict=True))


class FollowUpSerializer(serializers.Serializer):
    after = object_id(help_text="The question it follows.")
    prompt = text(limits.FOLLOW_UP_PROMPT)
    points = serializers.ListField(
        child=text(limits.POINT_TEXT, allow_blank=True),
        max_length=limits.FOLLOW_UP_POINTS,
        default=list,
    )
    client_key = serializers.UUIDField(
        required=False, allow_null=True, help_text="Sending the same key again adds nothing."
    )


class FollowUpCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterviewQuestion
        fields = ["id", "position", "follow_up_number", "prompt", "client_key"]


class SubmitSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    summary = text(limits.SUMMARY, required=False, allow_blank=True, default="")


class AmendedAnswerSerializer(serializers.Serializer):
    question = object_id()
    score = serializers.ChoiceField(choices=Score.choices, allow_null=True)
    notes = text(limits.NOTES, allow_blank=True, default="")


class AmendSerializer(serializers.Serializer):
    """The whole amended scorecard: what is left out of `answers` stays as it is."""

    reason = text(limits.SUMMARY)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    summary = text(limits.SUMMARY, allow_blank=True, default="")
    answers = AmendedAnswerSerializer(many=True, default=list, max_length=500)


# Results -------------------------------------------------------------------------------------


class ResultNumbers(serializers.ModelSerializer):
    # The numbers of a stored result: CandidateResult's columns (a docstring would show in
    # the schema of every serializer built on this one).
    topic_means = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Mean rating by topic slug."
    )

    class Meta:
        model = CandidateResult
        fields = [
            "scorecard_count",
            "mean",
            "median",
            "spread",
            "coverage",
            "strong_no",
            "no",
            "yes",
            "strong_yes",
            "disagreement",
            "topic_means",
        ]

    # A stored result's numbers, typed from CandidateResult's columns: output only, so a
    # column's type and whether it may be null, none of its input checks.
    def build_standard_field(self, field_name, model_field):
        field_class, _ = super().build_standard_field(field_name, model_field)
        return field_class, {"allow_null": True} if model_field.null else {}


class CandidateResultSerializer(ResultNumbers):
    question_set = serializers.CharField(source="question_set.slug")
    # Read only for results with a submitted scorecard, which have both.
    lowest = serializers.FloatField()
    highest = serializers.FloatField()
    disagreement_reasons = serializers.ListField(source="reasons", child=serializers.CharField())

    class Meta(ResultNumbers.Meta):
        fields = [
            *ResultNumbers.Meta.fields,
            "question_set",
            "lowest",
            "highest",
            "split_decision",
            "disagreement_reasons",
        ]


class InterviewerCalibrationSerializer(serializers.Serializer):
    interviewer = serializers.IntegerField(source="interviewer_id")
    name = serializers.CharField()
    scorecards = serializers.IntegerField()
    ratings = serializers.ListField(
        child=serializers.IntegerField(), help_text="How many 1, 2, 3 and 4 ratings they gave."
    )
    recommendations = serializers.ListField(
        child=serializers.IntegerField(), help_text="How many strong no, no, yes, strong yes."
    )
    median_hours = serializers.FloatField(
        allow_null=True, help_text="Median hours from the interview's end to submission."
    )
    within_24h = serializers.FloatField(allow_null=True)
    rated_share = serializers.FloatField(allow_null=True)
    marked_share = serializers.FloatField(allow_null=True)
    leniency = serializers.FloatField(allow_null=True)
    leniency_scorecards = serializers.IntegerField(source="leniency_n")
    leniency_interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    leniency_flag = serializers.CharField()


class AgreementSerializer(serializers.Serializer):
    label = serializers.CharField()
    units = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True, help_text="Krippendorff's α (ordinal).")
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    reading = serializers.CharField()


class PanelAgreementSerializer(serializers.Serializer):
    overall = AgreementSerializer()
    topics = AgreementSerializer(many=True)
    questions = AgreementSerializer(many=True)


class CalibrationSerializer(serializers.Serializer):
    interviewers = InterviewerCalibrationSerializer(many=True)
    agreement = PanelAgreementSerializer()


class QuestionExposureSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    slug = serializers.CharField(source="question.slug")
    position = serializers.IntegerField(source="question.position")
    is_active = serializers.BooleanField(source="question.is_active")
    times_asked = serializers.IntegerField(
        help_text="Interviews with a submitted scorecard whose plan held the question."
    )
    share_of_interviews = serializers.FloatField(source="interviews_share", allow_null=True)
    candidates_30 = serializers.IntegerField(source="exposure.candidates_30")
    candidates_90 = serializers.IntegerField(source="exposure.candidates_90")
    candidates_365 = serializers.IntegerField(source="exposure.candidates_365")
    candidates_all = serializers.IntegerField(source="exposure.candidates_all")
    first_asked = serializers.DateTimeField(source="exposure.first_asked", allow_null=True)
    last_asked = serializers.DateTimeField(source="exposure.last_asked", allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    recent_shift = serializers.FloatField(
        source="leak.shift",
        allow_null=True,
        default=None,
        help_text="Its lead over the set's other questions lately minus before (probable leak).",
    )
    recent_shift_interval = serializers.ListField(
        source="leak.interval", child=serializers.FloatField(), allow_null=True, default=None
    )
    flags = serializers.ListField(child=serializers.CharField())


class QuestionAnalyticsSerializer(serializers.Serializer):
    question_set = serializers.CharField(source="question_set.slug")
    exposure_threshold = serializers.IntegerField(source="question_set.exposure_threshold")
    questions = QuestionExposureSerializer(many=True)


class CompareRowSerializer(ResultNumbers):
    candidate = serializers.IntegerField(source="candidate_id")
    name = serializers.CharField(
        source="shown_name",
        read_only=True,
        help_text="The candidate's name; their code (Candidate XXXX-XXXX) while the set hides "
        "names until decided and no decision is recorded.",
    )
    decision = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="The standing hiring decision (hire, no_hire or hold), null while undecided.",
    )

    class Meta(ResultNumbers.Meta):
        fields = [*ResultNumbers.Meta.fields, "candidate", "name", "role_applied_for", "decision"]


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    ended_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    standing = serializers.BooleanField(source="is_standing", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "outcome",
            "rationale",
            "level",
            "early_reason",
            "decided_by",
            "decided_at",
            "standing",
            "ended_at",
            "ended_by",
            "reopen_reason",
        ]


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    rationale = text(limits.RATIONALE, allow_blank=True)
    level = text(limits.LEVEL, allow_blank=True, default="")
    early_reason = text(
        limits.RATIONALE,
        allow_blank=True,
        default="",
        help_text="Required while the loop is not ready for debrief.",
    )
    replaces = object_id(
        allow_null=True,
        default=None,
        help_text="The id of the standing decision this one replaces (null if none): a "
        "decision recorded meanwhile is a 409.",
    )


# Tokens --------------------------------------------------------------------------------------


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "can_write", "created_at", "expires_at", "last_used_at"]
