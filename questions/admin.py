from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, model_ngettext, quote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from config import limits
from config.forms import AsciiIntegerField, bounded_text_field

from . import services
from .models import AnswerPoint, LevelAnchor, Question, QuestionSet, Topic


class BankAdmin(admin.ModelAdmin):
    """What every bank admin page shares: bounded text and ASCII numbers in its forms, and a
    delete confirmation that names only what the user may read."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return bounded_formfield(super().formfield_for_dbfield(db_field, request, **kwargs))

    # Whatever a bank page posts (an edit, a deletion, an action, a restore) may change what
    # calibration and question analytics show: once it has committed, every set gets a new
    # figures revision, so that neither page shows what it kept from before.

    def changeform_view(self, request, *args, **kwargs):
        return _figures_changed_by(request, super().changeform_view(request, *args, **kwargs))

    def changelist_view(self, request, *args, **kwargs):
        return _figures_changed_by(request, super().changelist_view(request, *args, **kwargs))

    def delete_view(self, request, *args, **kwargs):
        return _figures_changed_by(request, super().delete_view(request, *args, **kwargs))

    def get_deleted_objects(self, objs, request):
        """Django's confirmation lists by name every object a deletion removes or is blocked
        by: for the bank, interviews (candidates' names) and follow-ups (interviewers' drafts).
        Objects of a model the user may not view are counted instead ("3 interviews")."""
        if not len(objs):
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()

        def describe(obj):
            opts = obj._meta
            model_admin = self.admin_site._registry.get(type(obj))
            if model_admin and not model_admin.has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            if not may_view(request.user, type(obj)):
                return None
            if model_admin:
                try:
                    url = reverse(
                        f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                        args=[quote(obj.pk)],
                    )
                except NoReverseMatch:
                    pass
                else:
                    return format_html(
                        '{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, str(obj)
                    )
            return f"{capfirst(opts.verbose_name)}: {obj}"

        to_delete = readable(collector.nested(describe)) + counts_of_unreadable(
            request.user, [obj for group in collector.model_objs.values() for obj in group]
        )
        protected = [text for text in map(describe, collector.protected) if text is not None]
        protected += counts_of_unreadable(request.user, collector.protected)
        model_count = {
            model._meta.verbose_name_plural: len(objs)
            for model, objs in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected


def _figures_changed_by(request, response):
    # A post the admin takes redirects; one it refuses shows its form again.
    if request.method == "POST" and response.status_code == 302:
        QuestionSet.objects.figures_changed()
    return response


def may_view(user, model) -> bool:
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def readable(nested):
    """A NestedObjects tree without the objects described as None, nor what hangs from them."""
    kept = []
    hidden = False
    for item in nested:
        if isinstance(item, list):
            if not hidden:
                kept.append(readable(item))
        else:
            hidden = item is None
            if not hidden:
                kept.append(item)
    return kept


def counts_of_unreadable(user, objects) -> list[str]:
    by_model = {}
    for obj in objects:
        if not may_view(user, type(obj)):
            by_model[type(obj)] = by_model.get(type(obj), 0) + 1
    return [
        f"{count} {model_ngettext(model._meta, count)} (not listed: your account may not "
        "read them)"
        for model, count in sorted(by_model.items(), key=lambda item: item[0]._meta.label)
    ]


def bounded_formfield(field):
    """Curators' text is bounded and free of control characters like everyone's; their
    numbers are ASCII digits."""
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
        return bounded_text_field(field, limit=limits.BANK_TEXT)
    if type(field) is forms.IntegerField:
        return AsciiIntegerField(
            **{
                name: getattr(field, name)
                for name in ("required", "label", "initial", "help_text", "max_value")
            },
            min_value=field.min_value,
            widget=field.widget,
        )
    return field


class PositionedForm(forms.ModelForm):
    """Rows of an ordered inline may trade places, so their position is checked for
    duplicates across the whole formset (which Django does) instead of against the
    database row by row."""

    def validate_constraints(self):
        try:
            self.instance.validate_constraints(
                exclude=self._get_validation_exclusions() | {"position"}
            )
        except ValidationError as error:
            self._update_errors(error)


class PositionedInlinesMixin:
    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        # Park moved rows out of the way first, so that swapping two positions never
        # meets the unique constraint half-way.
        moved = [obj for obj in instances if obj.pk and "position" in _changed(formset, obj)]
        if moved:
            stored = formset.get_queryset().aggregate(top=Max("position"))["top"] or 0
            parking = max(stored, *(obj.position for obj in instances))
            for offset, obj in enumerate(moved, start=1):
                type(obj).objects.filter(pk=obj.pk).update(position=parking + offset)
        for obj in instances:
            obj.save()
        formset.save_m2m()


def _changed(formset, obj):
    for inline_form in formset.forms:
        if inline_form.instance is obj:
            return inline_form.changed_data
    return []


class BankInline(admin.TabularInline):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return bounded_formfield(super().formfield_for_dbfield(db_field, request, **kwargs))


class AnswerPointInline(BankInline):
    model = AnswerPoint
    form = PositionedForm
    extra = 1
    fields = ["position", "text", "weight"]
    ordering = ["position"]


class LevelAnchorForm(forms.ModelForm):
    class Meta:
        model = LevelAnchor
        fields = ["level", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The formset gives each row its level; a disabled field ignores what is posted.
        self.fields["level"].disabled = True


class LevelAnchorFormSet(BaseInlineFormSet):
    """Always the four levels, in order: the stored anchors, then an empty row for each
    level that has none (left empty, it stays without an anchor)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {anchor.level for anchor in self.get_queryset()}
        self.initial_extra = [
            {"level": level} for level in LevelAnchor.Level.values if level not in stored
        ]


class LevelAnchorInline(BankInline):
    model = LevelAnchor
    form = LevelAnchorForm
    formset = LevelAnchorFormSet
    fields = ["level", "text"]
    ordering = ["level"]
    max_num = len(LevelAnchor.Level)
    verbose_name = "rating anchor"
    verbose_name_plural = "Rating anchors: what an answer at each level looks like"

    def get_extra(self, request, obj=None, **kwargs):
        stored = obj.anchors.count() if obj is not None and obj.pk else 0
        return len(LevelAnchor.Level) - stored


class QuestionInline(BankInline):
    model = Question
    form = PositionedForm
    extra = 0
    fields = ["position", "slug", "prompt", "topic", "kind", "is_active"]
    ordering = ["position"]
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "prompt":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(BankAdmin):
    list_display = ["name", "slug", "position", "question_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, topic):
        return topic.question_count


@admin.register(QuestionSet)
class QuestionSetAdmin(PositionedInlinesMixin, BankAdmin):
    list_display = ["title", "slug", "level", "anonymised", "question_count", "exposure_threshold"]
    list_filter = ["level", "anonymised", "hide_names_until_decided"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, question_set):
        return question_set.question_count


class CopyToSetForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=QuestionSet.objects.all(), label="Copy into question set"
    )


@admin.register(Question)
class QuestionAdmin(PositionedInlinesMixin, SimpleHistoryAdmin, BankAdmin):
    list_display = [
        "position",
        "prompt_excerpt",
        "question_set",
        "topic",
        "kind",
        "point_count",
        "is_active",
    ]
    list_display_links = ["prompt_excerpt"]
    list_filter = ["question_set", "topic", "kind", "is_active"]
    list_select_related = ["question_set", "topic"]
    search_fields = ["prompt", "guidance", "intent", "points__text"]
    ordering = ["question_set", "position"]
    inlines = [AnswerPointInline, LevelAnchorInline]
    actions = ["retire", "activate", "copy_to_set"]
    fieldsets = [
        (None, {"fields": ["question_set", "position", "slug", "prompt", "topic", "kind"]}),
        ("For the interviewer", {"fields": ["intent", "guidance", "reference_answer"]}),
        (None, {"fields": ["suggested_minutes", "is_active"]}),
    ]

    def get_queryset(self, request):
        # A subquery, not a join with GROUP BY: the list's count then reads the question
        # table alone, without the columns the usage admin adds (scoring/admin.py).
        points = AnswerPoint.objects.filter(question=OuterRef("pk")).order_by()
        return (
            super()
            .get_queryset(request)
            .annotate(
                point_count=Coalesce(
                    Subquery(points.values("question").annotate(n=Count("pk")).values("n")), 0
                )
            )
        )

    @admin.display(description="Prompt", ordering="prompt")
    def prompt_excerpt(self, question):
        return question.prompt if len(question.prompt) <= 90 else question.prompt[:89] + "…"

    @admin.display(description="Points", ordering="point_count")
    def point_count(self, question):
        return question.point_count

    object_history_template = "admin/questions/question/object_history.html"

    def save_model(self, request, obj, form, change):
        # A save that changes nothing of the question is no new version of it; save_related
        # records one if its points or anchors changed.
        if change and not form.has_changed():
            obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("skip_history_when_saving", None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and not form.has_changed() and any(f.has_changed() for f in formsets):
            services.record_edit_of_parts(question=form.instance, user=request.user)

    def get_urls(self):
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path(
                "<int:object_id>/history/<int:version_id>/restore/",
                restore,
                name="questions_question_restore",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """The library's list of versions with each one's changes, then the changes to the
        question's answer points and rating anchors, each against the one before."""
        question = self.get_object(request, object_id)
        parts = []
        if question is not None and self.has_view_or_change_permission(request, question):
            parts = part_changes(question)
        return super().history_view(
            request,
            object_id,
            extra_context={**(extra_context or {}), "part_changes": parts},
        )

    def restore_view(self, request, object_id, version_id):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        question = self.get_object(request, str(object_id))
        if question is None:
            raise Http404("No such question.")
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        version = Question.history.filter(id=question.pk, history_id=version_id).first()
        if version is None:
            raise Http404("No such version of this question.")
        if request.method == "POST":
            try:
                services.restore_question_version(
                    question=question, version=version, user=request.user
                )
                QuestionSet.objects.figures_changed()
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.message_user(
                request,
                f"Restored the version of {localtime(version.history_date):%d %b %Y %H:%M}; the "
                "restoring is recorded in the history.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:questions_question_history", args=[question.pk])
            )
        current = question.history.latest()
        changes = [
            (
                change.field,
                change.new,  # now
                change.old,  # after restoring
            )
            for change in current.diff_against(
                version, included_fields=RESTORED_NAMES, foreign_keys_are_objs=True
            ).changes
        ]
        return render(
            request,
            "admin/questions/question/restore.html",
            {
                **self.admin_site.each_context(request),
                "title": "Restore a version of this question",
                "opts": self.model._meta,
                "original": question,
                "version": version,
                "changes": changes,
                "points": services.points_as_of(question, version),
                "anchors": services.anchors_as_of(question, version),
            },
        )

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request, queryset):
        count = services.set_questions_active(
            questions=queryset, active=False, user=request.user, reason="Retired (bulk action)"
        )
        self.message_user(request, f"Retired {count} question(s).", messages.SUCCESS)

    @admin.action(description="Activate selected questions", permissions=["change"])
    def activate(self, request, queryset):
        count = services.set_questions_active(
            questions=queryset, active=True, user=request.user, reason="Activated (bulk action)"
        )
        self.message_user(request, f"Activated {count} question(s).", messages.SUCCESS)

    @admin.action(description="Copy selected questions into another set", permissions=["add"])
    def copy_to_set(self, request, queryset):
        form = CopyToSetForm(request.POST if "target" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["target"]
            copies = services.copy_questions_to_set(
                questions=queryset, target=target, user=request.user
            )
            self.message_user(
                request, f"Copied {len(copies)} question(s) into “{target}”.", messages.SUCCESS
            )
            return None
        return render(
            request,
            "admin/questions/question/copy_to_set.html",
            {
                **self.admin_site.each_context(request),
                "title": "Copy questions into another set",
                "opts": self.model._meta,
                "form": form,
                "questions": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


RESTORED_NAMES = [name.removesuffix("_id") for name in services.RESTORED_FIELDS]


def part_changes(question) -> list[dict]:
    """Every recorded change to a question's answer points and rating anchors, newest first,
    each with what changed against the same point's or anchor's record before it."""
    rows = []
    for kind, history, key, fields in [
        ("Answer point", AnswerPoint.history, "position", ["position", "text", "weight"]),
        ("Rating anchor", LevelAnchor.history, "level", ["level", "text"]),
    ]:
        previous = {}
        records = history.filter(question_id=question.pk).select_related("history_user")
        for record in records.order_by("history_date", "history_id"):
            before = previous.get(record.id)
            if record.history_type == "~" and before is not None:
                changes = [
                    (change.field, change.old, change.new)
                    for change in record.diff_against(before, included_fields=fields).changes
                ]
            else:
                changes = []
            rows.append(
                {
                    "date": record.history_date,
                    "kind": kind,
                    "label": f"{kind} {getattr(record, key)}",
                    "action": record.get_history_type_display(),
                    "text": record.text,
                    "changes": changes,
                    "user": record.history_user,
                    "reason": record.history_change_reason or "",
                }
            )
            previous[record.id] = record
    return sorted(rows, key=lambda row: row["date"], reverse=True)
