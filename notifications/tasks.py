"""Sending through Django's tasks framework. The default backend (ImmediateBackend) sends at
once in the process that enqueues; a deployment can set TASKS to a worker-backed backend to
move sending out of requests, with no change here."""

from django.tasks import task

from .models import OutgoingEmail


@task
def send_email(email_id: int) -> bool:
    from .services import deliver

    email = OutgoingEmail.objects.filter(pk=email_id).first()
    return email is not None and deliver(email=email)
