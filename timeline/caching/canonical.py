"""The canonical query of a public page: what its cache key holds of the query string.

Anyone can append anything to an address. If the page cache keyed pages by the raw query
string, every ``?utm_x=N`` would store another copy of the same page (issue 13: one fuzz run
left 4,076 keys). So a cached view declares the parameters it reads (``cache_public_page(view,
parameters=...)``), and the key holds only those, written one way:

* unknown names are dropped; so are empty values and a spelled-out default (``page=1``);
* a repeatable parameter's values are deduplicated and sorted (``kind=b&kind=a&kind=a`` is
  ``kind=a&kind=b``); a single-valued one keeps the last value, as ``QueryDict.get`` does;
* a whole number is written as such (``year=02014`` is ``year=2014``);
* parameters are sorted by name.

The middleware also hands the view this canonical query in place of the original, so the page
stored under the key is exactly the page of the canonical address (its links, its form), and
every address that shares the key would have rendered it. Validation stays with the view: a
page whose values it refuses calls ``pages.do_not_store(request)``.

This module knows nothing of the public wing: the public filters describe their parameters
with ``Parameter`` (timeline/public/filters.py).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict

# What forms.IntegerField strips before int(): "2014.0" is a valid 2014.
DECIMAL_ZEROS = re.compile(r"\.0*\s*$")


@dataclass(frozen=True)
class Parameter:
    """One query parameter a cached page reads, and how to write its value canonically."""

    name: str
    repeatable: bool = False
    whole_number: bool = False
    default: str = ""
    # Free text (a search): any value makes another page, so such pages are never stored.
    free_text: bool = False

    def values(self, query: QueryDict) -> list[str]:
        """This parameter's values in ``query``, canonical, without empties and the default."""
        asked = query.getlist(self.name)
        if not self.repeatable:
            asked = asked[-1:]
        values = {self.canonical(value) for value in asked}
        values.discard("")
        values.discard(self.default)
        return sorted(values)

    def canonical(self, value: str) -> str:
        value = value.strip()
        if self.free_text:
            return " ".join(value.split())
        if self.whole_number:
            # Every spelling the form accepts as one number (02014, +2014, 2_014, 2014.0) is
            # one key; anything else stays as it is, for the view to refuse.
            try:
                return str(int(DECIMAL_ZEROS.sub("", value)))
            except ValueError:
                return value
        return value


def canonical_query(query: QueryDict, parameters: Iterable[Parameter]) -> QueryDict:
    """``query`` with only ``parameters``, each written canonically, sorted by name."""
    canonical = QueryDict(mutable=True)
    for parameter in sorted(parameters, key=lambda parameter: parameter.name):
        values = parameter.values(query)
        if values:
            canonical.setlist(parameter.name, values)
    canonical._mutable = False
    return canonical


def asks_free_text(query: QueryDict, parameters: Iterable[Parameter]) -> bool:
    """True when a free-text parameter (a search) has a value: the page is not stored."""
    return any(parameter.free_text and parameter.name in query for parameter in parameters)
