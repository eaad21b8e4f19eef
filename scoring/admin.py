"""The bank's question list with how each question fares in interviews: scoring adds its
numbers to the questions app's admin, as the higher app (questions knows nothing of
scorecards)."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone

from audit import services as audit
from questions import services as bank
from questions.admin import QuestionAdmin
from questions.models import Question, QuestionSet

from . import calibration, question_sums
from .models import Qualification

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

    actions = [*QuestionAdmin.actions, "retire_flagged", "replace_with_copy"]
    # The whole bank's count would compute every question's figures; a filtered list
    # (a set's questions) computes only its own.
    show_full_result_count = False

    def get_list_filter(self, request):
        return [*QuestionAdmin.list_filter, OverExposedFilter]

    def get_queryset(self, request):
        return question_sums.with_exposure_and_usage(super().get_queryset(request))

    def confirm_flagged(self, request, queryset, *, action, title, button, explanation):
        """The confirmation of an action on flagged questions, with their figures; None once
        confirmed (the action then runs)."""
        if request.POST.get("confirmed") == "yes":
            return None
        return render(
            request,
            "admin/questions/question/flagged_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "rows": flag_figures(queryset),
                "action": action,
                "button": button,
                "explanation": explanation,
                "windows": calibration.EXPOSURE_WINDOWS,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description="Retire selected questions, seeing their flags", permissions=["change"]
    )
    def retire_flagged(self, request, queryset):
        page = self.confirm_flagged(
            request,
            queryset,
            action="retire_flagged",
            title="Retire these questions",
            button="Retire them",
            explanation="Retired questions are no longer planned into new interviews; "
            "interviews that asked them keep what they asked.",
        )
        if page is not None:
            return page
        count = bank.set_questions_active(
            questions=queryset,
            active=False,
            user=request.user,
            reason="Retired after reading its flags",
        )
        self.message_user(request, f"Retired {count} question(s).", messages.SUCCESS)
        return None

    @admin.action(
        description="Replace selected questions with a copy for editing",
        permissions=["change", "add"],
    )
    def replace_with_copy(self, request, queryset):
        page = self.confirm_flagged(
            request,
            queryset,
            action="replace_with_copy",
            title="Replace these questions with a copy for editing",
            button="Retire them and make the copies",
            explanation="Each question is retired, and a copy of it with its answer points "
            "and rating anchors is added at the end of its set, retired too until you reword "
            "and activate it.",
        )
        if page is not None:
            return page
        copies = bank.replace_with_copies(questions=queryset, user=request.user)
        self.message_user(
            request,
            f"Replaced {len(copies)} question(s) with a copy: reword each, then tick “active”.",
            messages.SUCCESS,
        )
        if len(copies) == 1:
            return redirect(reverse("admin:questions_question_change", args=[copies[0].pk]))
        return None

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


class OverExposedFilter(admin.SimpleListFilter):
    title = "over-exposed"
    parameter_name = "over_exposed"

    def lookups(self, request, model_admin):
        return [("yes", "Over-exposed"), ("no", "Not over-exposed")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(over_exposed=self.value() == "yes")
        return queryset


def flag_figures(questions) -> list:
    """The question analytics rows (exposure, shift, flags) of `questions`, computed over
    their whole sets, for the confirmations of the actions on flagged questions."""
    wanted = {question.pk for question in questions}
    rows = []
    for question_set in QuestionSet.objects.filter(questions__in=wanted).distinct():
        rows += [
            row
            for row in question_sums.question_analytics(question_set)
            if row.question.pk in wanted
        ]
    return sorted(rows, key=lambda row: (row.question.question_set_id, row.question.position))


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
