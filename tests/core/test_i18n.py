"""The catalogue of what people read and the locale formats (core/i18n.py)."""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest

from core.i18n import (
    LANG_ENV,
    LANGUAGES,
    LanguageError,
    catalogue_keys,
    labels,
    resolve_language,
)
from core.metric_registry import read_registry

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.glob("*/templates/*.j2"))
CODE = sorted(
    path for package in ("publication", "scorecards") for path in (ROOT / package).rglob("*.py")
)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_language_comes_from_the_option_then_the_environment_then_english(monkeypatch):
    monkeypatch.delenv(LANG_ENV, raising=False)
    assert resolve_language() == "en"
    monkeypatch.setenv(LANG_ENV, "zh")
    assert resolve_language() == "zh"
    assert resolve_language("EN") == "en"
    with pytest.raises(LanguageError, match="--lang='fr' .* use one of en, zh"):
        resolve_language("fr")
    monkeypatch.setenv(LANG_ENV, "de")
    with pytest.raises(LanguageError, match="SCORECARDS_LANG='de'"):
        resolve_language()


@pytest.mark.parametrize("key", catalogue_keys())
def test_every_label_exists_in_every_language_with_the_same_placeholders(key):
    texts = {lang: raw(key, lang) for lang in LANGUAGES}
    assert all(text.strip() for text in texts.values()), texts
    assert placeholders(texts["en"]) == placeholders(texts["zh"]), texts


def raw(key: str, lang: str) -> str:
    from core.i18n import _catalogue

    return _catalogue()[key][lang]


def test_metric_tier_and_reason_names_come_from_the_registry_and_the_abc_practice():
    zh, en = labels("zh"), labels("en")
    for metric in read_registry():
        assert (en.metric(metric.metric), zh.metric(metric.metric)) == (
            metric.label_en,
            metric.label_zh,
        )
    assert [zh.tier(tier) for tier in ("floor", "target", "stretch")] == ["保底", "理想", "冲刺"]
    assert en.tier(None) == "Below floor"
    assert (en.reason("no_target"), zh.reason("no_target")) == ("No target", "无目标")
    with pytest.raises(KeyError):
        en("report.no_such_label")


def test_numbers_percentages_and_dates_in_each_locale():
    zh, en = labels("zh"), labels("en")
    assert en.number(Decimal("1234567.005")) == "1,234,567.01"  # half up, as the warehouse rounds
    assert zh.number(Decimal("1234567.5"), 0) == "1,234,568"
    assert en.percent(Decimal("0.7045")) == "70.5%"
    assert zh.percent(Decimal("0.7")) == "70.0%"
    assert en.change(Decimal("0.2")) == "+20.0%" and en.change(Decimal("-0.25")) == "-25.0%"
    assert en.date(dt.date(2026, 3, 10)) == "Mar 10, 2026"
    assert zh.date(dt.date(2026, 3, 10)) == "2026年3月10日"
    assert en.number(None) == en.percent(None) == zh.date(None) == "–"


def test_every_label_a_template_or_the_code_names_is_in_the_catalogue():
    keys = set(catalogue_keys())
    named = set()
    for path in TEMPLATES + CODE:
        text = path.read_text(encoding="utf-8")
        named |= set(
            re.findall(r"""\b(?:t|text|labels)\(\s*['"]([a-z_]+\.[a-z_]*[a-z])['"]""", text)
        )
    assert named, "no label found: the pattern no longer matches the templates"
    assert named <= keys, sorted(named - keys)
    # Keys built in templates ('grain.' ~ grain, 'section.' ~ anchor ...) name whole families.
    for family in ("grain", "scope", "section", "tier", "forecast", "gate"):
        assert any(key.startswith(family + ".") for key in keys), family
