"""Strings of third-party apps that ship without Korean, listed here so `make messages`
collects them into our catalogue and Korean staff meet no English in the admin.

django-reversion (the History, Revert and Recover pages) and django-axes (its admin pages)
have no Korean at all; django-import-export's Korean misses a few strings. Django merges our
catalogue over theirs. After an upgrade, tests/test_translations.py names any new string.
Programmer-facing errors of these apps are left out: staff never see them.

Nothing imports this module; the markers only need to be found by makemessages.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

STRINGS = [
    # django-axes
    _("Locked Out"),
    _("Form Data"),
    _("Meta Data"),
    _("Clean up expired attempts"),
    _("Cleaned up {count} expired access attempts."),
    _("Not set"),
    _("Attempt Remaining"),
    _("Account locked: too many login attempts. Please try again later."),
    _("Account locked: too many login attempts. Contact an admin to unlock your account."),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("access failure"),
    _("access failures"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("access attempt"),
    _("access attempts"),
    _("Access Attempt"),
    _("Expires At"),
    _("The time when access attempt expires and is no longer valid."),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("access log"),
    _("access logs"),
    # django-import-export
    _("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    _(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the "
        "correct format for the file."
    ),
    _("No valid data to import. Ensure your file has the correct headers or data for import."),
    _("export failed due to IllegalCharacterError"),
    _("Resource"),
    _('Select at least 1 field for "%(resource_name)s" to export'),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", 1),
    _("This exporter will export the following fields: "),
    _("Select all"),
    _("Row"),
    _("Value could not be parsed."),
    # django-reversion
    _("Initial version."),
    _("Reverted to previous version, saved on %(datetime)s"),
    _("Could not load %(object_repr)s version - not found"),
    _("Recover %(name)s"),
    _("Revert %(name)s"),
    _("Recover deleted %(name)s"),
    _("Reversion"),
    _("Could not save %(object_repr)s version - missing dependency."),
    _("date created"),
    _("comment"),
    _("revision"),
    _("revisions"),
    _("Could not load %(object_repr)s version - incompatible version data."),
    _("Could not load %(object_repr)s version - unknown serializer %(format)s."),
    _("versions"),
    _("Choose a date from the list below to revert to a previous version of this object."),
    _("This object doesn't have a change history. It probably wasn't added via this admin site."),
    _("Press the save button below to recover this version of the object."),
    _("Choose a date from the list below to recover a deleted version of an object."),
    _("There are no deleted objects to recover."),
    _("Revert %(verbose_name)s"),
    _("Press the save button below to revert to this version of the object."),
]
