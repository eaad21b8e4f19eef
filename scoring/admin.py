"""The bank's question list with how each question fares in interviews: scoring adds its
numbers to the questions app's admin, as the higher app (questions knows nothing of
scorecards)."""

from django.contrib import admin
from django.utils import formats, timezone

from questions.admin import QuestionAdmin
from questions.models import Question

from . import calibration

admin.site.unregister(Question)


@admin.register(Question)
class QuestionWithUsageAdmin(QuestionAdmin):
    list_display = [
        *QuestionAdmin.list_display[:-1],
        "times_asked",
        "mean_rating",
        "candidates_30",
        "candidates_90",
        "candidates_365",
        "candidates_all",
        "last_asked_on",
        "over_exposed",
        QuestionAdmin.list_display[-1],
    ]

    def get_queryset(self, request):
        return calibration.with_exposure(calibration.with_usage(super().get_queryset(request)))

    @admin.display(description="Times asked", ordering="times_asked")
    def times_asked(self, question):
        return question.times_asked

    @admin.display(description="Mean rating", ordering="mean_rating")
    def mean_rating(self, question):
        return "–" if question.mean_rating is None else f"{question.mean_rating:.2f}"

    @admin.display(description="Candidates, 30 days", ordering="candidates_30")
    def candidates_30(self, question):
        return question.candidates_30

    @admin.display(description="90 days", ordering="candidates_90")
    def candidates_90(self, question):
        return question.candidates_90

    @admin.display(description="365 days", ordering="candidates_365")
    def candidates_365(self, question):
        return question.candidates_365

    @admin.display(description="All", ordering="candidates_all")
    def candidates_all(self, question):
        return question.candidates_all

    @admin.display(description="Last asked", ordering="last_asked")
    def last_asked_on(self, question):
        if question.last_asked is None:
            return "–"
        return formats.date_format(timezone.localtime(question.last_asked))

    @admin.display(description="Over-exposed", ordering="over_exposed", boolean=True)
    def over_exposed(self, question):
        return question.over_exposed
