"""schema.org JSON-LD for search engines: milestones as Events, institutions as organisations.

Each function returns a plain dict; the ``json_ld`` template tag writes it into a
``<script type="application/ld+json">`` data block (not executed, so the CSP allows it),
escaped so that no text from the database can close the block.
"""

from typing import Any, cast

from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from timeline.media.pictures import image_object
from timeline.models import Institution, Milestone, Policy, Subject
from timeline.public.dates import iso_date

CONTEXT = "https://schema.org"
CITY_WEBSITE = "https://www.gwangju.go.kr/"

# A civic group is not a government body, nor is an international network of cities.
INSTITUTION_TYPES: dict[str, str] = {
    Institution.Type.CIVIC_GROUP: "NGO",
    Institution.Type.INTERNATIONAL_BODY: "Organization",
}

LEGISLATION = {Policy.Type.ORDINANCE, Policy.Type.LAW}


def _other_language(obj: models.Model, field: str) -> str:
    """``field`` in the language not shown, when it has different text: an alternate name."""
    active = translation.get_language()
    for code in ("ko", "en"):
        if code != active:
            value = getattr(obj, f"{field}_{code}", "") or ""
            if value and value != getattr(obj, field):
                return value
    return ""


def city() -> dict[str, Any]:
    return {
        "@type": "GovernmentOrganization",
        "name": gettext("Gwangju Metropolitan City"),
        "url": CITY_WEBSITE,
    }


def gwangju_place() -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": gettext("Gwangju"),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": gettext("Gwangju"),
            "addressCountry": "KR",
        },
    }


def subject_reference(subject: Subject, request: HttpRequest) -> dict[str, Any]:
    if isinstance(subject, Institution):
        kind_type = organisation_type(subject)
    elif isinstance(subject, Policy) and subject.policy_type in LEGISLATION:
        kind_type = "Legislation"
    else:
        kind_type = "CreativeWork"
    return {
        "@type": kind_type,
        "name": subject.name,
        "url": request.build_absolute_uri(subject.get_absolute_url()),
    }


def organisation_type(institution: Institution) -> str:
    return INSTITUTION_TYPES.get(institution.institution_type, "GovernmentOrganization")


def milestone_event(milestone: Milestone, request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": milestone.title,
        "startDate": iso_date(milestone),
        "url": request.build_absolute_uri(milestone.get_absolute_url()),
        "inLanguage": translation.get_language(),
        "location": gwangju_place(),
        # A public milestone always has its subject: it is public only with it.
        "about": subject_reference(cast(Subject, milestone.subject), request),
    }
    if alternate := _other_language(milestone, "title"):
        data["alternateName"] = alternate
    if milestone.summary:
        data["description"] = milestone.summary
    if images := [image_object(image, request) for image in milestone.images.all()]:
        data["image"] = images
    return data


def organisation(
    institution: Institution, request: HttpRequest, parent: Institution | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": organisation_type(institution),
        "name": institution.name,
        "url": request.build_absolute_uri(institution.get_absolute_url()),
        "areaServed": gwangju_place(),
    }
    if alternate := _other_language(institution, "name"):
        data["alternateName"] = alternate
    if institution.summary:
        data["description"] = institution.summary
    if institution.website:
        data["sameAs"] = institution.website
    if images := [image_object(image, request) for image in institution.images.all()]:
        data["image"] = images
    if parent is not None:
        data["parentOrganization"] = {
            "@type": organisation_type(parent),
            "name": parent.name,
            "url": request.build_absolute_uri(parent.get_absolute_url()),
        }
    return data


def website(request: HttpRequest, name: str, description: str) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "description": description,
        "url": request.build_absolute_uri("/"),
        "inLanguage": translation.get_language(),
        "publisher": city(),
    }
