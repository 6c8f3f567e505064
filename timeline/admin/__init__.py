"""The staff wing: the Django admin's registrations, publishing, history and transfer screens.

``django.contrib.admin`` autodiscovers ``timeline.admin``; importing the registrations here
is what puts every model on the admin site (``index``: the Human Rights Index's models).
"""

from timeline.admin import import_log, index, registration  # noqa: F401
