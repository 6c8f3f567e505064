"""gunicorn settings, read from the environment like the rest of the project."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Django is imported and set up once in the master, then forked: a recycled worker starts
# serving at once instead of importing Django again, and the workers share those pages of
# memory. Safe because nothing opens a database or cache connection at import time.
preload_app = True
# Trust X-Forwarded-* only from the proxy or load balancer in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
wsgi_app = "hrcity.wsgi:application"
