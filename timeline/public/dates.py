"""Dates as precisely as the record knows them, in each language's own way."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import pgettext, pgettext_lazy

from timeline.models import Milestone, partial_iso_date

# Each language writes dates its own way, so the formats are translated (Django's date
# format codes): "18 May 2020" / "2020년 5월 18일". Django's own English DATE_FORMAT
# would give "May 18, 2020", or "Oct. 18, 2012" for other months.
DAY_FORMAT = pgettext_lazy("date format for a day (Django date codes)", "j F Y")
MONTH_FORMAT = pgettext_lazy("date format for a month (Django date codes)", "F Y")


def year_label(year: int) -> str:
    """A year as text: 2012 / 2012년."""
    return pgettext("a date known only to the year", "%(year)s") % {"year": year}


def partial_date(date: datetime.date | None, precision: str) -> str:
    """A date as precisely as it is known: 18 May 2020, May 2020, 2020 ('' for none)."""
    if date is None:
        return ""
    if precision == "day":
        return date_format(date, str(DAY_FORMAT))
    if precision == "month":
        return date_format(date, str(MONTH_FORMAT))
    return year_label(date.year)


def iso_partial_date(date: datetime.date | None, precision: str) -> str:
    """The same date for <time datetime>: 2020-05-12, 2020-05 or 2020 ('' for none)."""
    return partial_iso_date(date, precision) if date else ""


def precise_date(milestone: Milestone) -> str:
    """The stated date as precisely as it is known (May 2020, 2012); else the year group."""
    if milestone.date:
        return partial_date(milestone.date, milestone.date_precision)
    return year_label(milestone.year_id)


def iso_date(milestone: Milestone) -> str:
    """The same date for <time datetime>: 2020-05-12, 2020-05 or 2020."""
    return iso_partial_date(milestone.date, milestone.date_precision) or str(milestone.year_id)
