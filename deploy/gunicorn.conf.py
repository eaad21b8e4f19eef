"""gunicorn settings for one Rubric app process group: `gunicorn -c deploy/gunicorn.conf.py`.
Every value can be changed from the environment (GUNICORN_*), see docs/deployment.md."""

import os
import shutil

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two or three workers per core; threads let one worker overlap a slow database round trip.
workers = int(os.environ.get("GUNICORN_WORKERS", 3))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# A request past this is killed and its worker restarted (exports stay well under it).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM (a deploy, systemd stop), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = 5
# Restart workers now and then so that no slow leak grows for ever.
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy on this machine may set X-Forwarded-Proto (DJANGO_PROXY_COUNT says more).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Rubric logs one JSON line per request itself (ops.middleware): no access log here.
accesslog = None
errorlog = "-"
loglevel = "info"

# Metrics from every worker process: prometheus-client writes them to files in this directory,
# which /metrics adds up. It must be emptied when the server starts.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    if metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
