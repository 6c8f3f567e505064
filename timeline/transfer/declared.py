"""From a resource's declaration to the engine's columns.

A resource declares its file columns the django-import-export way (``Meta.fields`` in file
order, declared ``Field``s with widgets for relations); ``columns_of`` turns that into one
``Column`` per file column, chosen by the model field's type and the widget.
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from import_export import widgets

from timeline.transfer.columns import (
    BooleanColumn,
    ChoiceColumn,
    Column,
    DateColumn,
    DecimalColumn,
    IntegerColumn,
    TextColumn,
)
from timeline.transfer.relations import ManyColumn, RelatedColumn, SourcesColumn


class SourcesWidget(widgets.Widget):
    """Marks the ``sources`` column: a record's sources, read by ``SourcesColumn``.

    ``owner``: the citation's link to the record (``milestone``, ``evaluation`` ...).
    """

    def __init__(self, owner: str = "milestone") -> None:
        super().__init__()
        self.owner = owner


class ExternalWidget(widgets.Widget):
    """Marks a column whose values live in other tables, read by its own ``column_class``
    (the evaluations' ``area_results``)."""

    def __init__(self, column_class: Callable[[str], Column]) -> None:
        super().__init__()
        self.column_class = column_class


def column_for(name: str, model_field: Any, widget: widgets.Widget) -> Column:
    if isinstance(widget, widgets.ManyToManyWidget):
        return ManyColumn(name, model_field, widget.field)
    if isinstance(model_field, models.ForeignKey):
        key = getattr(widget, "field", None) or model_field.target_field.attname
        return RelatedColumn(name, model_field, key)
    if isinstance(model_field, models.BooleanField):
        return BooleanColumn(name, model_field)
    if isinstance(model_field, models.DateField):
        return DateColumn(name, model_field)
    if isinstance(model_field, models.IntegerField):
        return IntegerColumn(name, model_field)
    if isinstance(model_field, models.DecimalField):
        return DecimalColumn(name, model_field)
    if model_field.choices:
        return ChoiceColumn(name, model_field)
    return TextColumn(name, model_field)


def columns_of(resource: Any) -> list[Column]:
    """The columns of a resource class, in file order."""
    model = resource._meta.model
    columns: list[Column] = []
    for name in resource._meta.fields:
        resource_field = resource.fields[name]
        widget = resource_field.widget
        if isinstance(widget, SourcesWidget):
            columns.append(SourcesColumn(name, widget.owner))
        elif isinstance(widget, ExternalWidget):
            columns.append(widget.column_class(name))
        else:
            model_field = model._meta.get_field(resource_field.attribute)
            columns.append(column_for(name, model_field, widget))
    # Linked columns (a milestone's subject) name each other in their messages.
    related = {column.name: column for column in columns if isinstance(column, RelatedColumn)}
    for group in resource.linked_columns:
        for name in group:
            related[name].siblings = tuple(related[other] for other in group if other != name)
    return columns
