from django.urls import path

from . import views

urlpatterns = [
    path("interviews/<int:pk>/live/", views.live_interview, name="live_interview"),
    path("interviews/<int:pk>/live/start/", views.start_interview, name="start_interview"),
    path(
        "interviews/<int:pk>/live/questions/<int:question_pk>/",
        views.save_answer,
        name="save_answer",
    ),
    path(
        "interviews/<int:pk>/live/questions/<int:question_pk>/follow-ups/",
        views.add_follow_up,
        name="add_follow_up",
    ),
    path("interviews/<int:pk>/finish/", views.finish_scorecard, name="finish_scorecard"),
    path(
        "interviews/<int:pk>/scorecards/", views.interview_scorecards, name="interview_scorecards"
    ),
]
