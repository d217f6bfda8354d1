from django.core.wsgi import get_wsgi_application

from config.startup import settings_module_or_exit

# Production names its settings (DJANGO_SETTINGS_MODULE=config.settings.production); without
# them only a development checkout starts, with config.settings.local (config.startup).
settings_module_or_exit()

application = get_wsgi_application()
