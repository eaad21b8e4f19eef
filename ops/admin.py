"""The task results' admin (django-tasks-db's, read-only), with failed tasks run again."""

import dataclasses

from django.contrib import admin, messages
from django.tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    actions = ["run_again"]

    def has_run_again_permission(self, request):
        return request.user.is_superuser

    @admin.action(description="Run the selected failed tasks again", permissions=["run_again"])
    def run_again(self, request, queryset):
        failed = queryset.filter(status=TaskResultStatus.FAILED)
        for result in failed:
            # The same task and arguments, due now: the failed result is kept as it was.
            task = dataclasses.replace(result.task, run_after=None)
            task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        skipped = queryset.count() - len(failed)
        self.message_user(request, f"{len(failed)} task(s) enqueued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} task(s) not failed, not run again.", messages.WARNING
            )
