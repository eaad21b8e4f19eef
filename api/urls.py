from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import pages, views


def api(view_class, **initkwargs):
    # The API authenticates each request itself (token or session) and answers 401 or 403 in
    # JSON; the site's login redirect is for pages.
    return login_not_required(view_class.as_view(**initkwargs))


urlpatterns = [
    path("schema/", api(SpectacularAPIView), name="api_schema"),
    path("docs/", api(SpectacularSwaggerSplitView, url_name="api_schema"), name="api_docs"),
    # The page for one's own tokens, signed in like every page.
    path("tokens/", pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("me/tokens/", api(views.MyTokens), name="api_tokens"),
    path("question-sets/", api(views.QuestionSetList), name="api_question_sets"),
    path("question-sets/<slug:slug>/", api(views.QuestionSetDetail), name="api_question_set"),
    path(
        "question-sets/<slug:slug>/analytics/",
        api(views.QuestionAnalytics),
        name="api_question_analytics",
    ),
    path("candidates/", api(views.CandidateList), name="api_candidates"),
    path("candidates/<int:pk>/", api(views.CandidateDetail), name="api_candidate"),
    path("candidates/<int:pk>/export/", api(views.CandidateExport), name="api_candidate_export"),
    path("candidates/<int:pk>/erase/", api(views.CandidateErase), name="api_candidate_erase"),
    path(
        "candidates/<int:pk>/results/", api(views.CandidateResults), name="api_candidate_results"
    ),
    path(
        "candidates/<int:pk>/decisions/",
        api(views.CandidateDecisions),
        name="api_candidate_decisions",
    ),
    path("compare/", api(views.Compare), name="api_compare"),
    path("calibration/", api(views.Calibration), name="api_calibration"),
    path("interviews/", api(views.InterviewList), name="api_interviews"),
    path("interviews/<int:pk>/", api(views.InterviewDetail), name="api_interview"),
    path("interviews/<int:pk>/cancel/", api(views.InterviewCancel), name="api_interview_cancel"),
    path(
        "interviews/<int:pk>/reschedule/",
        api(views.InterviewReschedule),
        name="api_interview_reschedule",
    ),
    path(
        "interviews/<int:pk>/scorecards/",
        api(views.InterviewScorecards),
        name="api_interview_scorecards",
    ),
    path("interviews/<int:pk>/scorecard/", api(views.MyScorecard), name="api_my_scorecard"),
    path(
        "interviews/<int:pk>/scorecard/answers/<int:question_pk>/",
        api(views.MyAnswer),
        name="api_my_answer",
    ),
    path(
        "interviews/<int:pk>/scorecard/follow-ups/",
        api(views.MyFollowUps),
        name="api_my_follow_ups",
    ),
    path(
        "interviews/<int:pk>/scorecard/submit/",
        api(views.MySubmission),
        name="api_my_submission",
    ),
    path(
        "interviews/<int:pk>/scorecard/amend/",
        api(views.MyAmendment),
        name="api_my_amendment",
    ),
    path("scorecards/<int:pk>/", api(views.ScorecardDetail), name="api_scorecard"),
]
