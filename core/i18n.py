"""What people read, in English or Chinese: one catalogue of labels and the locale's formats.

Labels come from three places and nowhere else: metric names from the metric registry and
reasons from the reason vocabulary (both in dbt_project.yml, which dbt publishes as dim_metrics and
dim_reasons), everything else from core/labels.yml. Numbers, percentages and dates are formatted
by Babel with the language's locale (CLDR data), so a figure reads as its readers write it.
The language is chosen by ``--lang`` or ``SCORECARDS_LANG``; English by default.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from core.metric_registry import read_registry
from core.settings import DBT_PROJECT_DIR

LANG_ENV = "SCORECARDS_LANG"
LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
LABELS_FILE = Path(__file__).with_name("labels.yml")
# The CLDR locale of each language: Chinese as written in the People's Republic (简体).
LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
# How a missing figure reads, in every language.
MISSING = "–"


class LanguageError(ValueError):
    """A language the catalogue does not have."""


def resolve_language(value: str | None = None) -> str:
    """``value`` (from ``--lang``), else SCORECARDS_LANG, else English."""
    chosen = (value or os.environ.get(LANG_ENV) or DEFAULT_LANGUAGE).strip().lower()
    if chosen not in LANGUAGES:
        source = "--lang" if value else LANG_ENV
        raise LanguageError(
            f"{source}={chosen!r} is not a language of the catalogue: use one of "
            f"{', '.join(LANGUAGES)}"
        )
    return chosen


@functools.cache
def _catalogue() -> dict[str, dict[str, str]]:
    messages = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    for metric in read_registry():
        messages[f"metric.{metric.metric}"] = {"en": metric.label_en, "zh": metric.label_zh}
    for reason in project["vars"]["reason_vocabulary"]:
        messages[f"reason.{reason['code']}"] = {"en": reason["label_en"], "zh": reason["label_zh"]}
    return messages


def catalogue_keys() -> list[str]:
    return sorted(_catalogue())


@dataclass(frozen=True)
class Labels:
    """The catalogue and the formats of one language. ``labels('key')`` is a label; a key the
    catalogue does not hold raises KeyError, so a template cannot show a raw key to a reader."""

    lang: str
    locale: Locale = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise LanguageError(f"unknown language {self.lang!r}")
        object.__setattr__(self, "locale", Locale.parse(LOCALES[self.lang]))

    def __call__(self, key: str, **values: object) -> str:
        text = _catalogue()[key][self.lang]
        return text.format(**values) if values else text

    def metric(self, name: str) -> str:
        found = _catalogue().get(f"metric.{name}")
        return found[self.lang] if found else name

    def tier(self, tier: str | None) -> str:
        return self(f"tier.{tier or 'none'}")

    def reason(self, code: str | None) -> str:
        return self(f"reason.{code}") if code else ""

    def number(self, value: object, places: int = 2) -> str:
        if value is None:
            return MISSING
        # Half up, as the warehouse rounds (macros/allocation.sql), not Python's half-even.
        amount = decimal.Decimal(str(value)).quantize(
            decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP
        )
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(amount, format=pattern, locale=self.locale)

    def percent(self, value: object, places: int = 1) -> str:
        if value is None:
            return MISSING
        pattern = "#,##0" + ("." + "0" * places if places else "") + "%"
        share = decimal.Decimal(str(value)).quantize(
            decimal.Decimal(1).scaleb(-places - 2), rounding=decimal.ROUND_HALF_UP
        )
        return format_percent(share, format=pattern, locale=self.locale)

    def figure(self, value: object, unit: str | None) -> str:
        """A metric's value as its unit reads: money to the cent, a ratio as a percentage,
        days to a tenth, a count whole (to the cent where a split target is not whole)."""
        if value is None:
            return MISSING
        if unit == "ratio":
            return self.percent(value)
        if unit == "days":
            return self.number(value, 1)
        if unit == "count" and decimal.Decimal(str(value)) % 1 == 0:
            return self.number(value, 0)
        return self.number(value)

    def change(self, value: object) -> str:
        """A relative change with its sign: +12.5% / -3.0%."""
        if value is None:
            return MISSING
        text = self.percent(value)
        return text if decimal.Decimal(str(value)) < 0 else "+" + text

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return MISSING
        return format_date(value, format="medium", locale=self.locale)


@functools.cache
def labels(lang: str = DEFAULT_LANGUAGE) -> Labels:
    return Labels(lang)
