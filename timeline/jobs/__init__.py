"""Long work in the background: imports and exports run as tasks, with progress.

The task runner is Django's Tasks framework (the ``django-tasks`` backport) with the
database backend of ``django-tasks-db``: the database is the queue, so any app server can
enqueue and any ``manage.py db_worker`` can run a task, and each task is claimed by one
worker. The backend leaves a killed worker's task RUNNING for ever, so our own job records
(``timeline.models.ImportJob``, ``ExportJob``) carry what staff see: the phase, rows done,
a heartbeat (``heartbeat``), a cancel flag (``progress``), and how it ended.

Modules: ``tasks`` (the task functions, thin), ``imports`` and ``exports`` (what they do,
and how the admin and the commands start them), ``progress`` (rows done, phase, cancel),
``heartbeat`` (the worker's sign of life), ``warming`` (after a change, the most asked-for
public pages rendered and stored again before a visitor asks: no job record, no progress).
"""
