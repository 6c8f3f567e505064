"""/healthz for load balancers: is the database reachable, and is it fully migrated?

A load balancer probes each server by its own address (``Host: 10.0.3.7``), which is not one
of ``ALLOWED_HOSTS``; Django would answer 400 and the balancer drop a healthy server. The
answer names no host and builds no link, so /healthz answers whatever the Host: only
CommonMiddleware checks the Host on the way there, and ``CommonMiddleware`` below skips that
check for this one path. Every other path still answers 400 to a Host not allowed.
"""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.middleware import common
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe  # GET, and HEAD: some load balancers probe with HEAD
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse(
            {"status": "error", "database": "ok", "pending_migrations": len(pending)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "migrations": "applied"})


HEALTH_PATH = "/healthz"


class CommonMiddleware(common.CommonMiddleware):
    """Django's CommonMiddleware, except that health probes skip its Host check."""

    def process_request(self, request: HttpRequest) -> HttpResponsePermanentRedirect | None:
        if request.path_info == HEALTH_PATH:
            return None  # nothing to prepend or append a slash to either
        return super().process_request(request)
