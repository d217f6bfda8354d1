from celery import Celery

from config.startup import settings_module_or_exit

# Without DJANGO_SETTINGS_MODULE only a development checkout gets settings (config.startup).
settings_module_or_exit()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
