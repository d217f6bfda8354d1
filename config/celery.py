import os

from celery import Celery, signals

from config.startup import settings_module_or_exit

# Without DJANGO_SETTINGS_MODULE only a development checkout gets settings (config.startup).
settings_module_or_exit()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The handlers import what they need when they run: this module loads before Django's apps
# are ready, and the metrics and log modules reach into them.


@signals.task_prerun.connect
def _log_ids_for_the_task(task_id=None, **_):
    """Each task's log lines carry its id as their request id (and whatever it binds later)."""
    from config import log_context

    log_context.clear()
    log_context.bind(request_id=task_id)


@signals.task_postrun.connect
def _forget_the_tasks_log_ids(**_):
    from config import log_context

    log_context.clear()


@signals.worker_init.connect
@signals.worker_process_init.connect
def _work_in_a_scratch_folder_of_its_own(**_):
    """The worker (a solo pool reads in it) and each prefork child keep their temporary files
    in a folder of their own, and clean up after processes that ended (triage.scratch)."""
    from triage.scratch import use_own_scratch_folder

    use_own_scratch_folder()


@signals.worker_init.connect
def _serve_the_workers_metrics(**_):
    from django.conf import settings

    from config.metrics import start_worker_exporter

    if settings.WORKER_METRICS_BIND:
        start_worker_exporter(settings.WORKER_METRICS_BIND)


@signals.worker_process_shutdown.connect
def _forget_a_finished_process(pid=None, **_):
    # Multiprocess metrics: a child's live gauges stop counting once it is gone.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
