"""The bank's question list with how each question fares in interviews: scoring adds its
numbers to the questions app's admin, as the higher app (questions knows nothing of
scorecards)."""

from django.contrib import admin

from audit import services as audit
from questions.admin import QuestionAdmin
from questions.models import Question

from . import calibration
from .models import Qualification

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


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    """Admins qualify an interviewer on a set by hand; the rule does it after enough agreeing
    shadow scorecards (scoring/training.py). Removing one asks them to shadow again."""

    list_display = ["interviewer", "question_set", "qualified_at", "granted_by"]
    list_filter = ["question_set"]
    search_fields = ["interviewer__username", "interviewer__first_name", "interviewer__last_name"]
    fields = ["interviewer", "question_set"]
    autocomplete_fields = ["interviewer"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        obj.granted_by = request.user
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="interviewer_qualified",
            subject=f"{obj.interviewer.username} on {obj.question_set.slug}",
            details={"by": "admin"},
        )
