"""What the admin tests share: making any record, admin URLs, posting forms back."""

import itertools
import re
from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from timeline.models import Initiative, Institution, Milestone, Policy, Theme, Year

from .factories import (
    make_initiative,
    make_institution,
    make_milestone,
    make_policy,
    make_theme,
    make_year,
)

MODELS = [Theme, Year, Initiative, Policy, Institution, Milestone]
SUBJECT_MODELS = [Initiative, Policy, Institution]
# The translated field that names each record: what "missing Korean" looks at.
MAIN_FIELD = {
    Theme: "name",
    Year: "headline",
    Initiative: "name",
    Policy: "name",
    Institution: "name",
    Milestone: "title",
}
SUBJECT_MAKERS = {
    Initiative: make_initiative,
    Policy: make_policy,
    Institution: make_institution,
}
_years = itertools.count(1950)
_users = itertools.count(1)


def make(model, **fields):
    if model is Year:
        return make_year(next(_years), **fields)
    if model is Theme:
        return make_theme(**fields)
    if model is Milestone:
        return make_milestone(**fields)
    return SUBJECT_MAKERS[model](**fields)


# The migrations that grant the roles permissions on the models they add, in order.
ROLE_GRANTS = ("0008_sources_and_citations", "0010_media", "0011_human_rights_index")


def roles_as_migrated():
    """The Editor and Publisher groups with every permission the migrations give them, made
    as migrate makes them: the roles with the models of their day (0003), the removed
    MilestoneSource forgotten (0008), then each later migration's grant.

    A transactional test empties every table when it ends, these roles among them; a test
    that comes after one (the browser tests) puts them back with this.
    """
    schema_editor = SimpleNamespace(connection=connection)
    loader = MigrationLoader(connection)

    def module(name):
        return import_module(f"timeline.migrations.{name}")

    def state_at(name):
        return loader.project_state(("timeline", name)).apps

    module("0003_roles").create_roles(state_at("0003_roles"), schema_editor)
    module(ROLE_GRANTS[0]).forget_removed_model(state_at(ROLE_GRANTS[0]), schema_editor)
    for name in ROLE_GRANTS:
        module(name).grant_roles(apps, schema_editor)


def staff_member(*groups, **fields):
    user = User.objects.create_user(f"staff-{next(_users)}", is_staff=True, **fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def client_for(user):
    # force_login, not login: django-axes wants a request for every authentication.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:timeline_{model._meta.model_name}_{view}", args=args)


def fields_data(forms):
    """What a browser would post back for these forms' fields, untouched."""
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def formset_data(formset):
    management = formset.management_form
    data = {management.add_prefix(k): v for k, v in management.initial.items()}
    return data | fields_data(formset.forms)


def form_data(response):
    """What a browser would post back for the admin form in ``response``, untouched."""
    data = fields_data([response.context["adminform"].form])
    for inline in response.context["inline_admin_formsets"]:
        data |= formset_data(inline.formset)
    return data


def changelist_data(response):
    """What a browser would post back from a changelist's list-editable rows, untouched."""
    return formset_data(response.context["cl"].formset) | {"_save": "Save"}


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"')
# Inline code a strict Content-Security-Policy would block.
INLINE_CODE = re.compile(r'<script(?![^>]*\bsrc=)[^>]*>|\sstyle="|\son[a-z]+="')
