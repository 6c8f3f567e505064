"""The Korean catalogue is complete, compiled and in step with the code.

`make messages` collects marked strings and compiles them; these tests fail until every entry
is translated, the committed .mo says what the .po says, and no marked string is missing from
the catalogue. The checks that run makemessages need gettext; without it they are skipped, with
the reason in pytest's summary.
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from timeline.vendor_strings import REWORDED

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = Path("timeline/locale/ko/LC_MESSAGES/django.po")
# The same command as `make messages` (the Makefile is checked to say so below).
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "ko",
    "--no-obsolete",
    "--add-location=file",
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=tests",
    "--ignore=bench",
]
# What a copy of the project needs for makemessages: the code, never the environment.
NOT_COPIED = shutil.ignore_patterns(
    ".venv", ".git", "staticfiles", "node_modules", "__pycache__", ".*cache", ".hypothesis",
    "*.sqlite3", "test-results", "results",
)  # fmt: skip
# Staff never see these programmer errors of third-party apps; they need no Korean.
THIRD_PARTY_DEVELOPER_MESSAGES = {
    "Form is not validated, call `is_valid` first",
    "call to force_str() on instance failed: %s",
    "use_natural_foreign_keys and key_is_id cannot both be True",
    "The following fields are declared in 'import_id_fields' but are not present in the "
    "resource fields: %s",
    "The following fields are declared in 'import_id_fields' but are not present in the "
    "file headers: %s",
}
# Where our catalogue deliberately words a string differently from Django's own Korean.
DIFFERENT_FROM_DJANGO = {
    "Page not found": "ours is a heading, without Django's full stop",
    "Breadcrumbs": "현재 위치 is the usual Korean name of a breadcrumb trail",
    **REWORDED,  # timeline/vendor_strings.py: Django's Korean that reads unnaturally
}


def po_files():
    files = sorted(path for base in settings.LOCALE_PATHS for path in Path(base).rglob("*.po"))
    assert files, "no .po file under LOCALE_PATHS"
    return files


def entry_key(entry):
    """An entry's key as gettext stores it: msgid, with its context before an EOT byte."""
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(po):
    """{key: text} as a compiled catalogue holds it; plural forms under (key, index)."""
    catalogue = {}
    for entry in po.translated_entries():
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                catalogue[(entry_key(entry), int(index))] = text
        else:
            catalogue[entry_key(entry)] = entry.msgstr
    return catalogue


def needs_gettext():
    missing = [tool for tool in ("xgettext", "msgmerge", "msguniq") if not shutil.which(tool)]
    if missing:
        pytest.skip(
            f"gettext is not installed ({', '.join(missing)} missing): apt-get install gettext"
        )


def run_django(folder, *arguments, project=True):
    """A django-admin command in ``folder``: a copy of this project, or of an app (no settings)."""
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/local/bin:/usr/bin:/bin"}
    if project:
        env.update(
            DJANGO_SETTINGS_MODULE="hrcity.settings", DJANGO_DEBUG="1", PYTHONPATH=str(folder)
        )
    result = subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def msgids(po):
    return {entry_key(entry) for entry in po if not entry.obsolete}


@pytest.mark.parametrize("path", po_files(), ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in po.untranslated_entries() if not entry.obsolete]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries() if not entry.obsolete]
    assert not untranslated, f"untranslated in {path.name}: {untranslated}"
    # msgmerge marks a guess from a similar string as fuzzy; gettext then ignores it.
    assert not fuzzy, f"fuzzy (check, then remove the flag) in {path.name}: {fuzzy}"
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    assert po.metadata["Language"] == path.parts[-3]
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;"), "Korean has one plural form"


@pytest.mark.parametrize("path", po_files(), ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_compiled_catalogue_says_what_the_po_says(path):
    """Compared by content, not by file times (a git checkout sets every time anew)."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.name} is missing: run `make messages`"
    with mo_path.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    in_mo = {key: text for key, text in compiled._catalog.items() if key != ""}
    in_po = translations(polib.pofile(str(path)))
    stale = sorted(
        str(key) for key in in_po.keys() | in_mo.keys() if in_po.get(key) != in_mo.get(key)
    )
    assert not stale, (
        f"{mo_path.name} is out of date with its .po (run `make messages`): {stale[:10]}"
    )


@pytest.mark.slow
def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """What makemessages would add or drop if run now: the catalogue must match the code."""
    needs_gettext()
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=NOT_COPIED)
    run_django(copy, *MAKEMESSAGES)
    before = msgids(polib.pofile(str(BASE_DIR / CATALOGUE)))
    after = msgids(polib.pofile(str(copy / CATALOGUE)))
    assert not after - before, (
        f"marked in the code but not in the catalogue: {sorted(after - before)}"
    )
    assert not before - after, (
        f"in the catalogue but no longer in the code: {sorted(before - after)}"
    )


def test_make_messages_runs_the_command_these_tests_check():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "manage.py " + " ".join(MAKEMESSAGES) in makefile
    assert "manage.py compilemessages" in makefile


@pytest.mark.slow
@pytest.mark.parametrize("app_label", ["reversion", "axes", "import_export"])
def test_third_party_admin_strings_have_korean(tmp_path, app_label):
    """Korean staff meet these apps' pages; any string they ship without Korean belongs in
    timeline/vendor_strings.py (an upgrade may bring new ones)."""
    needs_gettext()
    if not apps.is_installed(app_label):
        pytest.skip(f"{app_label} is not installed")
    source = Path(apps.get_app_config(app_label).path)
    copy = tmp_path / app_label
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    run_django(copy, "makemessages", "-l", "ko", project=False)
    with translation.override("ko"):
        missing = [
            entry.msgid
            for entry in polib.pofile(str(copy / "locale/ko/LC_MESSAGES/django.po"))
            if entry.msgid not in THIRD_PARTY_DEVELOPER_MESSAGES
            and translated(entry) == entry.msgid
        ]
    assert not missing, f"{app_label} strings without Korean (add to vendor_strings.py): {missing}"


def translated(entry):
    if entry.msgctxt and entry.msgid_plural:
        return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    if entry.msgid_plural:
        return translation.ngettext(entry.msgid, entry.msgid_plural, 1)
    return translation.gettext(entry.msgid)


def other_korean_catalogues():
    """Django's and every installed app's own Korean, which ours overrides where msgids meet."""
    folders = [Path(sys.modules["django"].__file__).parent / "conf" / "locale"]
    folders += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    for folder in folders:
        mo_path = folder / "ko" / "LC_MESSAGES" / "django.mo"
        ours = any(Path(path) in mo_path.parents for path in settings.LOCALE_PATHS)
        if mo_path.exists() and not ours:
            with mo_path.open("rb") as mo_file:
                yield mo_path, gettext.GNUTranslations(mo_file)._catalog


def test_our_catalogue_does_not_reword_django_or_other_apps():
    """One catalogue serves the whole site: our msgstr for a msgid Django's admin also uses
    ("History", say) replaces Django's there too. Give such strings a context instead."""
    ours = translations(polib.pofile(str(BASE_DIR / CATALOGUE)))
    clashes = []
    for mo_path, theirs in other_korean_catalogues():
        for key, text in ours.items():
            msgid = key[0] if isinstance(key, tuple) else key  # plural forms: (msgid, index)
            if msgid in DIFFERENT_FROM_DJANGO or key == "" or not theirs.get(key):
                continue
            if normalise(theirs[key]) != normalise(text):
                clashes.append(f"{key!r}: ours {text!r}, {mo_path.parts[-5]} {theirs[key]!r}")
    assert not clashes, "\n".join(clashes)


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()
