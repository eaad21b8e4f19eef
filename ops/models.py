from django.db import models


class WorkerHeartbeat(models.Model):
    """A running task worker, as last seen: /readyz wants one seen within a minute."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"worker {self.worker_id}"
