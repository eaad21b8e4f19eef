from django.urls import path

from .views import calibration, compare, debrief, live, results

urlpatterns = [
    path("interviews/<int:pk>/live/", live.live_interview, name="live_interview"),
    path("interviews/<int:pk>/live/start/", live.start_interview, name="start_interview"),
    path(
        "interviews/<int:pk>/live/questions/<int:question_pk>/",
        live.save_answer,
        name="save_answer",
    ),
    path(
        "interviews/<int:pk>/live/questions/<int:question_pk>/follow-ups/",
        live.add_follow_up,
        name="add_follow_up",
    ),
    path("interviews/<int:pk>/finish/", live.finish_scorecard, name="finish_scorecard"),
    path(
        "interviews/<int:pk>/scorecards/",
        results.interview_scorecards,
        name="interview_scorecards",
    ),
    path("scorecards/<int:pk>/", results.scorecard_detail, name="scorecard_detail"),
    path("scorecards/<int:pk>/amend/", results.amend_scorecard, name="amend_scorecard"),
    path("candidates/<int:pk>/", results.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/debrief/", debrief.debrief_page, name="debrief"),
    path("candidates/<int:pk>/debrief.csv", debrief.debrief_csv, name="debrief_csv"),
    path("candidates/<int:pk>/decision/", debrief.decide, name="decide"),
    path("candidates/<int:pk>/decision/reopen/", debrief.reopen_decision, name="reopen_decision"),
    path("compare/", compare.compare, name="compare"),
    path("compare/grid/", compare.compare_grid, name="compare_grid"),
    path("compare/candidates.csv", compare.compare_csv, name="compare_csv"),
    path("compare/answers.csv", compare.compare_detail_csv, name="compare_detail_csv"),
    path("calibration/", calibration.calibration_page, name="calibration"),
    path(
        "calibration/interviewers.csv",
        calibration.calibration_interviewers_csv,
        name="calibration_interviewers_csv",
    ),
    path(
        "calibration/agreement.csv",
        calibration.calibration_agreement_csv,
        name="calibration_agreement_csv",
    ),
    path(
        "questions/<slug:slug>/analytics/",
        calibration.question_analytics,
        name="question_analytics",
    ),
]
