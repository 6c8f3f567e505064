"""Production logs are JSON lines on stdout: one object per line, whatever the message."""

import json
import logging
import sys

import pytest
from django.test import RequestFactory

from hrcity.logging import JSONFormatter

from .production import run_production_script


def render(message, *args, exc_info=None, **extra):
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, message, args, exc_info
    )
    record.__dict__.update(extra)
    return JSONFormatter().format(record)


def test_a_request_log_carries_its_path_and_status():
    request = RequestFactory().get("/ko/timeline/없는/?q=x")
    line = render("Not Found: %s", request.path, request=request, status_code=404)
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /ko/timeline/없는/"
    assert entry["method"] == "GET"
    assert entry["path"] == "/ko/timeline/없는/"
    assert entry["status"] == 404
    assert entry["time"].endswith("+00:00")


def test_a_traceback_stays_on_one_line():
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        line = render("Internal Server Error", exc_info=sys.exc_info())
    assert "\n" not in line
    assert "ValueError: line one\nline two" in json.loads(line)["exception"]


@pytest.mark.slow
def test_production_writes_json_lines_to_stdout():
    result = run_production_script(
        "import logging\n"
        "logging.getLogger('timeline').info('광주 %s', 'ok')\n"
        "logging.getLogger('django.request').error('multi\\nline')\n"
    )
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["logger"], e["level"], e["message"]) for e in entries] == [
        ("timeline", "INFO", "광주 ok"),
        ("django.request", "ERROR", "multi\nline"),
    ]
