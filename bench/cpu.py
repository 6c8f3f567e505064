"""Where the machine's CPU went during a stretch of load, per request and by process (Linux).

A ratio says that a page costs more than the trivial view; this says who pays: the gunicorn
workers, Redis, the database, the load generator, or something else on the machine. Every
process of the benchmark shares the same cores, so a millisecond that Redis or wrk spends on
a request is a millisecond the workers cannot have.

Read from ``/proc``: each process's own CPU time, and the time of its children that it has
reaped. A gunicorn worker recycled during a slice (``max_requests``) is thus still counted,
in its master's reaped time, as is a database backend that ended, in its postmaster's. The
load generator is this process's child: its time is this process's reaped children's.
"""

import math
import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
GROUPS = ("gunicorn", "redis", "database", "wrk", "other")
# /proc/<pid>/stat, after the command's closing parenthesis: state is field 0, so ppid is 1,
# utime 11, stime 12, cutime 13, cstime 14.
PPID, UTIME, STIME, CUTIME, CSTIME = 1, 11, 12, 13, 14


@dataclass(frozen=True)
class Sample:
    """CPU seconds used so far: by the whole machine (not idle), and by each group."""

    busy: float
    groups: dict[str, float]


def _processes() -> list[tuple[int, str, list[str]]]:
    """(pid, command name, the stat fields after the name) of every live process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        found.append((int(entry.name), name, text[text.rindex(")") + 1 :].split()))
    return found


def _seconds(fields: list[str], *indexes: int) -> float:
    return sum(int(fields[index]) for index in indexes) / TICK


def _busy() -> float:
    """CPU seconds of all cores spent not idle since boot (/proc/stat's first line)."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def sample(server_pid: int) -> Sample:
    """The CPU used so far by the gunicorn master ``server_pid`` and its workers, Redis, the
    database and this process's finished children (the load generator)."""
    groups = dict.fromkeys(GROUPS, 0.0)
    for pid, name, fields in _processes():
        if pid == server_pid:
            groups["gunicorn"] += _seconds(fields, UTIME, STIME, CUTIME, CSTIME)
        elif int(fields[PPID]) == server_pid:
            groups["gunicorn"] += _seconds(fields, UTIME, STIME)
        elif name.startswith("redis-server"):
            groups["redis"] += _seconds(fields, UTIME, STIME)
        elif name.startswith("postgres"):
            # Only the postmaster reaps backends; for the others the reaped time is 0.
            groups["database"] += _seconds(fields, UTIME, STIME, CUTIME, CSTIME)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    groups["wrk"] = children.ru_utime + children.ru_stime
    return Sample(busy=_busy(), groups=groups)


def per_request(before: Sample, after: Sample, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request between two samples, by group, and in all ("total").

    "other" is what the machine spent beyond the groups: the kernel's work for no process in
    particular (interrupts, the loopback network), and anything else that ran.
    """
    if requests <= 0:
        # Nothing served (wrk reports the failures): no per-request figure to give, but
        # every group is there for the run's tables.
        return dict.fromkeys([*GROUPS, "total"], math.nan)
    spent = {group: after.groups[group] - before.groups[group] for group in GROUPS}
    total = after.busy - before.busy
    spent["other"] = max(0.0, total - sum(spent.values()))
    spent["total"] = total
    return {group: seconds * 1000 / requests for group, seconds in spent.items()}
