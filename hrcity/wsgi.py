import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrcity.settings")

application = get_wsgi_application()

# Loaded once in a server's master process, inherited by each worker it forks.
from hrcity.process import prepare_process  # noqa: E402

prepare_process()
