from django.urls import path

from . import views

urlpatterns = [
    path("interviews/<int:pk>/calendar.ics", views.interview_calendar, name="interview_calendar"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/renew/", views.renew_calendar_feed, name="renew_calendar_feed"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
