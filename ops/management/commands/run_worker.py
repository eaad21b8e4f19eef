"""django-tasks-db's worker (`db_worker`, all of its options), which also records a heartbeat
every few seconds while it runs: /readyz is unready when no worker has been seen lately."""

import contextlib
import logging
import threading
import time

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from ops.models import WorkerHeartbeat

BEAT_EVERY = 15  # seconds; /readyz allows WORKER_HEARTBEAT_SECONDS between beats
logger = logging.getLogger("ops.worker")
RECONNECT_AFTER = 2  # seconds, after the database stopped answering


class Heartbeat(threading.Thread):
    def __init__(self, worker_id):
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat(self):
        close_old_connections()
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"seen_at": timezone.now()},
                create_defaults={"seen_at": timezone.now(), "started_at": self.started_at},
            )
        except Exception as error:  # the database is down: the next beat tries again
            logger.warning("Worker heartbeat failed: %r", error)

    def run(self):
        while not self.stopping.wait(BEAT_EVERY):
            self.beat()
        connection.close()


class Command(db_worker.Command):
    help = "Run the task worker (email): " + db_worker.Command.help

    def handle(self, *args, worker_id, **options):
        heartbeat = Heartbeat(worker_id)
        heartbeat.beat()  # in this thread, so that a worker that cannot start is not seen
        heartbeat.start()
        try:
            while True:
                try:
                    return super().handle(*args, worker_id=worker_id, **options)
                except (OperationalError, InterfaceError) as error:
                    # The database restarts: wait and go on, as a web process does, rather
                    # than exit (a task it was running stays RUNNING; send_reminders retries
                    # its email).
                    logger.warning("Worker lost the database: %r", error)
                    connection.close()
                    time.sleep(RECONNECT_AFTER)
        finally:
            heartbeat.stopping.set()
            with contextlib.suppress(DatabaseError):  # else it ages out of /readyz's minute
                WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
