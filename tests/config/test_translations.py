"""The Dutch and Traditional Chinese catalogues are complete and current.

The check extracts the project's strings again, as a developer would with makemessages, into a
copy of the catalogues, and fails when any of them is untranslated or fuzzy there: so a new or
changed string without its translation fails the suite, not only a gap already in the file.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent.parent
LANGUAGES = ("nl", "zh_Hant")
# What makemessages reads: the project's own code and templates, nothing installed or generated.
SOURCES = (
    "accounts",
    "api",
    "config",
    "offers",
    "organisations",
    "review",
    "webhooks",
    "templates",
    "static",
    "manage.py",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A copy of the project's sources and catalogues with the strings extracted afresh."""
    copy = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    shutil.copytree(ROOT / "locale", copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
    languages = [argument for code in LANGUAGES for argument in ("-l", code)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-location"],
        cwd=copy,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(copy)},
        check=True,
        capture_output=True,
    )
    return copy / "locale"


def _statistics(po_file):
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr.strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_project_is_translated_and_none_is_fuzzy(extracted, language):
    statistics = _statistics(extracted / language / "LC_MESSAGES" / "django.po")

    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_is_the_one_the_code_asks_for(extracted, language):
    committed = _msgids(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    current = _msgids(extracted / language / "LC_MESSAGES" / "django.po")

    assert sorted(current - committed) == []


def _msgids(po_file):
    """The msgids of the live (not obsolete) entries."""
    text = po_file.read_text()
    entries = re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.MULTILINE)
    return {"".join(re.findall(r'"(.*)"', entry)) for entry in entries} - {""}


@pytest.mark.parametrize(
    ("language", "expected"), [("nl", "Mijn aanbiedingen"), ("zh-hant", "我的供應項目")]
)
def test_the_compiled_catalogue_is_used_by_the_pages(language, expected):
    with translation.override(language):
        assert translation.gettext("My offers") == expected


def test_traditional_chinese_has_one_plural_form():
    header = (ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po").read_text()

    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
