"""Does a request come from a signed-in staff member? Asked before the session is loaded.

Staff must see the record as it is now, so their requests bypass the page cache. Merely having
a session cookie is not enough: anyone can send ``Cookie: sessionid=garbage``, and if that
skipped the cache every such request would render from the database (issue 13).

The check looks the session up, and only when the cookie is there: one query by primary key
(and, for a real signed-in session, one more for the user). The alternative, a signed marker
cookie set at login, would cost no query, but it outlives the session it stands for (expiry,
a password change, a deactivated account, ``clearsessions``) unless every way a session ends
also clears it; the lookup cannot disagree with the session. Anonymous visitors send no
session cookie (the public pages set none), so they pay nothing.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest

ANSWER = "_page_cache_staff_session"


def has_session_cookie(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_staff_session(request: HttpRequest) -> bool:
    """True when the session cookie names a live session of an active staff member."""
    answer = getattr(request, ANSWER, None)
    if answer is None:
        answer = has_session_cookie(request) and _names_staff(
            request.COOKIES[settings.SESSION_COOKIE_NAME]
        )
        setattr(request, ANSWER, answer)
    return answer


def _names_staff(session_key: str) -> bool:
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user_id = store.get(SESSION_KEY)  # an unknown or expired key loads an empty session
    if user_id is None:
        return False
    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(user_id)
    except ValidationError:  # a session from before the user model changed
        return False
    return user_model._default_manager.filter(pk=pk, is_staff=True, is_active=True).exists()
