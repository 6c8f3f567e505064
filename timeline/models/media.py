"""Images and documents attached to a milestone or to a subject.

Each is attached to exactly one record by a real foreign key per kind of record (as a
milestone points at its subject), not by a generic relation: the database then keeps every
attachment pointing at a record that exists (deleted with it), the public pages prefetch
them through plain reverse relations (``milestone.images``), and "public only with its
record" is a join, not a lookup by content type.

They have no publish flag of their own: an attachment is public exactly when its record is
(``published()``). Nothing reaches the public without its text alternative: an image needs
its alternative text, a document its title (the link's text), in Korean and in English.
"""

import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from timeline.media import checks, images
from timeline.media.names import document_name
from timeline.media.storing import store
from timeline.models.base import constraint_message, exactly_one
from timeline.models.editorial import public_now
from timeline.models.milestones import Milestone
from timeline.models.subjects import SUBJECT_MODELS, Subject

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The records an attachment may belong to, one foreign key each, named after the record.
ATTACHED_TO = ("milestone", *SUBJECT_MODELS)
# A record's reverse relations to its media (each model's related_name: milestone.images).
ATTACHMENTS = ("images", "documents")


class Licence(models.TextChoices):
    """Under what terms the public may reuse a file (shown with its credit)."""

    KOGL_1 = "kogl-1", _("KOGL Type 1: source indication")
    KOGL_2 = "kogl-2", _("KOGL Type 2: source indication, no commercial use")
    KOGL_3 = "kogl-3", _("KOGL Type 3: source indication, no changes")
    KOGL_4 = "kogl-4", _("KOGL Type 4: source indication, no commercial use, no changes")
    CC_BY = "cc-by", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc", "CC BY-NC 4.0"
    CC_BY_ND = "cc-by-nd", "CC BY-ND 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa", "CC BY-NC-SA 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd", "CC BY-NC-ND 4.0"
    CC0 = "cc0", _("CC0: no rights reserved")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


_A = TypeVar("_A", bound=models.Model)


class AttachmentQuerySet(models.QuerySet[_A]):
    def published(self, now: datetime.datetime | None = None) -> Self:
        """Attachments of records the public sees (a milestone as ``Milestone.published``)."""
        public = Q(milestone__in=Milestone.objects.published(now))
        for kind in SUBJECT_MODELS:
            public |= public_now(kind, now)
        return self.filter(public)


AttachmentManager = models.Manager.from_queryset(AttachmentQuerySet)


def attached_to(model: type[models.Model]) -> "models.ForeignKey[Any, Any]":
    return models.ForeignKey(
        model,
        verbose_name=model._meta.verbose_name,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",  # milestone.images, policy.documents
    )


def in_both_languages(field: str, message: "StrOrPromise") -> models.CheckConstraint:
    """``field`` has text in Korean *and* in English: a reader of either page needs it."""
    condition = Q()
    for code in ("ko", "en"):
        condition &= Q(**{f"{field}_{code}__isnull": False, f"{field}_{code}__gt": ""})
    return models.CheckConstraint(
        condition=condition,
        name=f"%(class)s_has_{field}_in_both_languages",
        violation_error_message=message,
    )


class Attachment(models.Model):
    """What images and documents share: their record, credit, licence and order."""

    milestone = attached_to(Milestone)
    initiative = attached_to(SUBJECT_MODELS["initiative"])
    policy = attached_to(SUBJECT_MODELS["policy"])
    institution = attached_to(SUBJECT_MODELS["institution"])
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(
        _("credit"),
        max_length=255,
        blank=True,
        help_text=_("Who made it or holds the rights, e.g. “Gwangju Metropolitan City”."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=20,
        choices=Licence.choices,
        default=Licence.KOGL_1,
        help_text=_("The terms under which the public may reuse it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one(ATTACHED_TO),
                name="%(class)s_attached_to_exactly_one_record",
                violation_error_message=_(
                    "A file belongs to exactly one record: a milestone, an initiative, a "
                    "policy or an institution."
                ),
            ),
        ]

    # The translated text every attachment needs in both languages (its text alternative).
    REQUIRED_TEXT = ""

    def get_absolute_url(self) -> str:
        """The page that shows it: its record's."""
        record = self.record
        return record.get_absolute_url() if record is not None else ""

    def clean(self) -> None:
        chosen = [name for name in ATTACHED_TO if getattr(self, f"{name}_id")]
        if len(chosen) != 1:
            name = f"{self._meta.model_name}_attached_to_exactly_one_record"
            message = constraint_message(type(self), name)
            # On the links given, or on the whole record when it has none.
            raise ValidationError(dict.fromkeys(chosen or [NON_FIELD_ERRORS], message))
        field = self.REQUIRED_TEXT
        missing = [
            f"{field}_{code}" for code in ("ko", "en") if not getattr(self, f"{field}_{code}", "")
        ]
        if missing:
            message = constraint_message(
                type(self), f"{self._meta.model_name}_has_{field}_in_both_languages"
            )
            raise ValidationError(dict.fromkeys(missing, message))

    @property
    def record(self) -> Milestone | Subject | None:
        for name in ATTACHED_TO:
            if getattr(self, f"{name}_id"):
                return cast("Milestone | Subject", getattr(self, name))
        return None


def not_yet_stored(value: File) -> bool:
    """A file just uploaded (checked here); a stored one was checked when it came."""
    return isinstance(value, FieldFile) and not getattr(value, "_committed", True)


def validate_image_file(value: File) -> None:
    if not_yet_stored(value):
        checks.check_image(value)


def validate_pdf_file(value: File) -> None:
    if not_yet_stored(value):
        checks.check_pdf(value)


class Image(Attachment):
    REQUIRED_TEXT = "alt_text"

    file = models.FileField(
        _("image file"),
        upload_to="images/",
        max_length=255,
        validators=[validate_image_file],
        help_text=_(
            "JPEG, PNG, WebP or GIF. Location and camera details are removed when it is saved."
        ),
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=500,
        blank=True,
        help_text=_(
            "What the image shows, for readers who cannot see it (screen readers, images "
            "turned off). Required in Korean and in English."
        ),
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    # Made once on save: {"webp": {"320": name, …}, "jpg": {…}} (timeline/media/images.py).
    renditions = models.JSONField(default=dict, editable=False)

    objects: ClassVar[AttachmentManager["Image"]] = AttachmentManager()
    _default_manager: ClassVar[AttachmentManager["Image"]]

    class Meta(Attachment.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            *Attachment.Meta.constraints,
            in_both_languages(
                "alt_text", _("Enter the alternative text in Korean and in English.")
            ),
        ]

    def __str__(self) -> str:
        return self.alt_text or self.file.name or ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not_yet_stored(self.file):
            prepared = images.prepare_image(checks.check_image(self.file))
            stored = store(prepared.files, self.file.storage)
            # A str assigned to a file field is a stored file: the field saves nothing more.
            self.file = stored[prepared.name]
            self.width, self.height = prepared.width, prepared.height
            self.size = len(prepared.files[prepared.name])
            self.renditions = {
                key: {width: stored[name] for width, name in sizes.items()}
                for key, sizes in prepared.renditions.items()
            }
        super().save(*args, **kwargs)


class Document(Attachment):
    REQUIRED_TEXT = "title"

    file = models.FileField(
        _("PDF file"),
        upload_to="documents/",
        max_length=255,
        validators=[validate_pdf_file],
        help_text=_("A PDF, e.g. a White Paper or a scanned document."),
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("The link’s text on the public page. Required in Korean and in English."),
    )
    objects: ClassVar[AttachmentManager["Document"]] = AttachmentManager()
    _default_manager: ClassVar[AttachmentManager["Document"]]

    class Meta(Attachment.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            *Attachment.Meta.constraints,
            in_both_languages("title", _("Enter the document’s title in Korean and in English.")),
        ]

    def __str__(self) -> str:
        return self.title or self.file.name or ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not_yet_stored(self.file):
            content = checks.check_pdf(self.file)
            name = document_name(content, self.file.name)
            stored = store({name: content}, self.file.storage)
            self.file = stored[name]
            self.size = len(content)
        super().save(*args, **kwargs)

    @property
    def format_and_size(self) -> str:
        """What the link says of the file: "PDF, 2.3 MB"."""
        return f"PDF, {filesizeformat(self.size)}"
