"""Strings of third-party apps that ship without Korean, listed here so `make messages`
collects them into our catalogue and Korean staff meet no English in the admin.

django-reversion (the History, Revert and Recover pages) and django-axes (its admin pages)
have no Korean at all; django-import-export's Korean misses a few strings. Django merges our
catalogue over theirs. After an upgrade, tests/test_translations.py names any new string.
Programmer-facing errors of these apps are left out: staff never see them.

Nothing imports the first list; its markers only need to be found by makemessages.

``REWORDED`` is the other case: Django's own Korean exists but reads unnaturally (a bare
을/를 or 이/가 where the word before it decides the particle, "(으)로", a message that
sounds like an error after a successful save). Our catalogue gives these msgids natural
formal Korean, which replaces Django's everywhere, and says why here
(tests/test_translations.py allows exactly these to differ from Django).
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

PARTICLE = "Django's Korean leaves the particle to the reader (을/를, 이/가, 은/는)"

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

REWORDED = {
    # The admin's messages after saving: "아래 내용을 수정해야 합니다" after a successful
    # add reads as if something were wrong.
    _("You may edit it again below."): "Django's says the record must be corrected",
    _("The {name} “{obj}” was added successfully."): PARTICLE,
    _("The {name} “{obj}” was changed successfully."): PARTICLE,
    _("The {name} “{obj}” was added successfully. You may add another {name} below."): PARTICLE,
    _("The {name} “{obj}” was changed successfully. You may edit it again below."): PARTICLE,
    _("The {name} “{obj}” was changed successfully. You may add another {name} below."): PARTICLE,
    _("The %(name)s “%(obj)s” was deleted successfully."): PARTICLE,
    _("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"): PARTICLE,
    _("Changed {fields}."): PARTICLE,
    _("Cannot delete %(name)s"): PARTICLE,
    _("Delete selected %(verbose_name_plural)s"): PARTICLE,
    _("Successfully deleted %(count)d %(items)s."): PARTICLE,
    _(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the '
        "following related items will be deleted:"
    ): PARTICLE,
    _(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:"
    ): PARTICLE,
    _(" By %(filter_title)s "): "Django's reads “구분 (으)로”; a filter heading is “구분별”",
    _("Select %s to view"): "Django's reads “보기위한 1%s 를(을) 선택”",
    "Please correct the error below.": "formal 합니다체, like the rest of the site",
    # Form errors the public filters and the admin forms show.
    _("Select a valid choice. %(value)s is not one of the available choices."): PARTICLE,
    _("%(model_name)s with this %(field_label)s already exists."): PARTICLE,
    _("Value %(value)r is not a valid choice."): PARTICLE,
    _("“%(pk)s” is not a valid value."): PARTICLE,
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).": (
        "Django's asks the reader to check the count of “개의 글자”"
    ),
}
# The plural messages above, marked with their plural forms for makemessages.
REWORDED_PLURALS = [
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        1,
    ),
]
