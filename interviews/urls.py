from django.urls import path

from . import views

urlpatterns = [
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("candidates/new/", views.candidate_create, name="candidate_create"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/export.json", views.candidate_export, name="candidate_export"),
    path("candidates/<int:pk>/erase/", views.candidate_erase, name="candidate_erase"),
    path("interviews/", views.interview_list, name="interview_list"),
    path("interviews/schedule/", views.schedule_interview, name="schedule_interview"),
    path("interviews/mine/", views.my_interviews, name="my_interviews"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/cancel/", views.cancel_interview, name="cancel_interview"),
    path(
        "interviews/<int:pk>/reschedule/",
        views.reschedule_interview,
        name="reschedule_interview",
    ),
]
