"""Sort keys for names, so directories list Korean names in 가나다 order on any database.

A database orders text by its collation: SQLite by code point, PostgreSQL by whatever its
cluster was created with (``C`` in CI, ``ko_KR`` or ``en_US`` elsewhere), and each puts
digits, Latin capitals and Hangul in a different place. So the order is computed here, in
Python, and stored beside the name as a string of ASCII digits only: digits sort the same,
and before anything longer that they prefix, under every collation there is.

The rule, one for every page (README "Directory order"):

1. the page's own script first: Hangul on ``/ko/``, Latin on ``/en/``;
2. then the other of the two scripts;
3. then names starting with a digit (1st, 2030 …), digit by digit;
4. then everything else (Han characters, symbols, other scripts), by code point.

Within Hangul the order is 가나다 (Unicode orders the syllables by the dictionary's initial,
medial and final letters); Latin ignores case and accents (É as E). Spaces and punctuation
inside a name count as one separator that sorts before any letter ("인권 도시" before
"인권도시의"); leading punctuation and quotation marks are ignored.
"""

import unicodedata

# Characters of the name that decide its place; a longer name differs from its neighbours
# well before this, and the key must fit a btree index.
SIGNIFICANT_CHARACTERS = 48
# Per character: one digit for its group, seven for its place within the group.
CHARACTER_WIDTH = 8
SORT_KEY_LENGTH = SIGNIFICANT_CHARACTERS * CHARACTER_WIDTH

SEPARATOR, FIRST_SCRIPT, SECOND_SCRIPT, DIGIT, OTHER = range(5)
SCRIPTS_IN_ORDER = {"ko": ("hangul", "latin"), "en": ("latin", "hangul")}


def is_hangul(character: str) -> bool:
    point = ord(character)
    return (
        0xAC00 <= point <= 0xD7A3  # syllables
        or 0x1100 <= point <= 0x11FF  # jamo
        or 0x3130 <= point <= 0x318F  # compatibility jamo
        or 0xA960 <= point <= 0xA97F
        or 0xD7B0 <= point <= 0xD7FF
    )


def is_separator(character: str) -> bool:
    return unicodedata.category(character)[0] in "ZPC"


def folded(name: str) -> str:
    """``name`` without case or accents on Latin letters: "Édition" -> "edition".

    NFKD also turns full-width Latin and digits into plain ones; Hangul syllables are
    composed again, so that they keep their code point order.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", without_accents)


def character_key(character: str, scripts: tuple[str, str]) -> tuple[int, int]:
    """(group, place within the group) of one folded character."""
    if is_separator(character):
        return SEPARATOR, 0
    if character.isdecimal():
        return DIGIT, unicodedata.decimal(character)
    if is_hangul(character):
        script = "hangul"
    elif "LATIN" in unicodedata.name(character, ""):
        script = "latin"
    else:
        return OTHER, ord(character)
    group = FIRST_SCRIPT if scripts[0] == script else SECOND_SCRIPT
    return group, ord(character)


def name_sort_key(name: str, language: str) -> str:
    """The stored sort key of ``name`` for pages in ``language`` ("ko" or "en")."""
    scripts = SCRIPTS_IN_ORDER[language]
    parts, previous = [], SEPARATOR  # so leading quotation marks, brackets, spaces are skipped
    for character in folded(name):
        group, place = character_key(character, scripts)
        if group == SEPARATOR and previous == SEPARATOR:
            continue  # "a - b" sorts as "a b"
        parts.append(f"{group}{place:07d}")
        previous = group
        if len(parts) == SIGNIFICANT_CHARACTERS:
            break
    if previous == SEPARATOR and parts:
        parts.pop()  # a trailing space or full stop changes nothing
    return "".join(parts)
