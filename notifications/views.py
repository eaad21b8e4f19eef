"""Interviews in calendars: one interview as an .ics download, each interviewer's personal
feed (reached by its secret URL, without a session), and the page that shows and renews it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from interviews.models import Interview

from . import calendars, selectors, services
from .models import CalendarFeed

CALENDAR = "text/calendar; charset=utf-8"


def interview_calendar(request, pk):
    """An interview assigned to the user, to add to their calendar by hand."""
    interview = get_object_or_404(
        Interview.objects.filter(interviewers=request.user)
        .select_related("candidate", "question_set", "calendar")
        .annotate(planned_minutes=selectors.planned_minutes()),
        pk=pk,
    )
    response = HttpResponse(calendars.download(interview), content_type=CALENDAR)
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@login_not_required  # calendar apps cannot log in: the secret URL is the credential
@require_safe
def calendar_feed(request, token):
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    interviews = selectors.feed_interviews(feed.user)
    response = HttpResponse(
        calendars.feed(interviews, name="Rubric interviews"), content_type=CALENDAR
    )
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("interviews.view_interview", raise_exception=True)
def my_calendar(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = None
    if feed is not None:
        feed_url = calendars.absolute(reverse("calendar_feed", args=[feed.token]))
    return render(request, "notifications/my_calendar.html", {"feed": feed, "feed_url": feed_url})


@require_POST
@permission_required("interviews.view_interview", raise_exception=True)
def renew_calendar_feed(request):
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    services.renew_calendar_feed(user=request.user)
    if had_one:
        messages.success(request, "Made a new calendar link; the old one no longer works.")
    else:
        messages.success(request, "Made your calendar link.")
    return redirect("my_calendar")
