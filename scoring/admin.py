"""The bank's question list with how each question fares in interviews: scoring adds its
numbers to the questions app's admin, as the higher app (questions knows nothing of
scorecards)."""

from django.contrib import admin

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
        QuestionAdmin.list_display[-1],
    ]

    def get_queryset(self, request):
        return calibration.with_usage(super().get_queryset(request))

    @admin.display(description="Times asked", ordering="times_asked")
    def times_asked(self, question):
        return question.times_asked

    @admin.display(description="Mean rating", ordering="mean_rating")
    def mean_rating(self, question):
        return "–" if question.mean_rating is None else f"{question.mean_rating:.2f}"
