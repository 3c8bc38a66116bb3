import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.settings")
application = get_wsgi_application()

# Loaded and frozen before the first request (violeta/core/startup.py): no request pays for walking them.
from violeta.core.startup import settle_heap  # noqa: E402 - needs the settings and apps loaded above

settle_heap()
