"""The metric registry (dbt_project.yml, ``vars.metric_registry``) as Python reads it.

dbt reads the same entries (macros/metric_registry.sql) to build the credit ledger, the month
fingerprints and dim_metrics; Python reads them for what dbt cannot derive at build time: the
semantic layer's metric definitions, which dbt only accepts as static YAML, are generated from
the registry into the marked end of models/marts/_marts__semantic_models.yml
(``python -m core.metric_registry``, ``make semantic``) and a test keeps them equal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.settings import DBT_PROJECT_DIR

SEMANTIC_MODELS_YML = DBT_PROJECT_DIR / "models" / "marts" / "_marts__semantic_models.yml"
# Everything below this line of the semantic models' file is generated.
GENERATED_MARKER = "  # Generated from the metric registry by `make semantic`: do not edit below."
# Sources that are not a credit ledger (macros/metric_registry.sql, derived_sources): market
# share is credited revenue over plan/market_size, for regions and the company only.
DERIVED_SOURCES = ("market",)


@dataclass(frozen=True)
class Metric:
    metric: str
    label_en: str
    label_zh: str
    description: str
    unit: str
    direction: str
    kind: str
    source: str
    rows: str
    numerator: str
    where: str | None = None
    denominator: str | None = None
    aliases: tuple[str, ...] = ()  # further names exports use (销售额, 回款, ...)
    forecast: str | None = None  # pipeline or receivables: the scorecard's outlook beside run-rate

    @property
    def aggregation(self) -> str:
        """ratio when the metric has a denominator (as macros/metric_registry.sql decides)."""
        return "sum" if self.denominator is None else "ratio"

    @property
    def is_ledger(self) -> bool:
        """Whether the metric credits ledger rows (to reps, teams, regions, the company)."""
        return self.source not in DERIVED_SOURCES


def read_registry(project_dir: Path = DBT_PROJECT_DIR) -> list[Metric]:
    """The registry's metrics in their order (the order reports show them in)."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    return [
        Metric(**{**entry, "aliases": tuple(entry.get("aliases", ()))})
        for entry in project["vars"]["metric_registry"]
    ]


def metric_names(registry: list[Metric]) -> dict[str, tuple[str, ...]]:
    """Each metric's other names, as sheets and exports write it: its English and Chinese
    labels and its aliases (ingest folds a metric column to the registry's name)."""
    return {m.metric: (m.label_en, m.label_zh, *m.aliases) for m in registry}


def _filter(metric: str) -> str:
    return f"{{{{ Dimension('credit__metric') }}}} = '{metric}'"


def semantic_metrics(registry: list[Metric]) -> list[dict]:
    """MetricFlow metrics over the credit ledger: a sum metric sums credited_amount over its
    rows; a ratio metric divides the sums of credited_amount and credited_denominator, each a
    metric of its own, so that roll-ups are ratios of sums (DOMAIN.md)."""
    definitions: list[dict] = []
    # A derived metric (market share) is not over the credit ledger this layer models.
    for metric in (m for m in registry if m.is_ledger):
        meta = {
            "unit": metric.unit,
            "direction": metric.direction,
            "kind": metric.kind,
            "label_zh": metric.label_zh,
        }
        common = {"name": metric.metric, "label": metric.label_en}
        common["description"] = metric.description
        if metric.aggregation == "sum":
            definitions.append(
                common
                | {
                    "type": "simple",
                    "type_params": {"measure": "credited_amount"},
                    "filter": _filter(metric.metric),
                    "config": {"meta": meta},
                }
            )
            continue
        parts = {"numerator": "credited_amount", "denominator": "credited_denominator"}
        definitions.append(
            common
            | {
                "type": "ratio",
                "type_params": {side: f"{metric.metric}_{side}" for side in parts},
                "config": {"meta": meta},
            }
        )
        for side, measure in parts.items():
            definitions.append(
                {
                    "name": f"{metric.metric}_{side}",
                    "label": f"{metric.label_en} ({side})",
                    "description": f"The {side} of {metric.metric}: the sum of its {measure}.",
                    "type": "simple",
                    "type_params": {"measure": measure},
                    "filter": _filter(metric.metric),
                }
            )
    return definitions


class _Dumper(yaml.SafeDumper):
    """Double quotes for text holding single quotes (the filters), as a person writes them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "'" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def semantic_metrics_yaml(registry: list[Metric]) -> str:
    """The generated part of the semantic models' file: list items under its `metrics:` key."""
    text = yaml.dump(
        semantic_metrics(registry),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())


def with_generated_metrics(text: str, registry: list[Metric]) -> str:
    """The semantic models' file with its generated end replaced by the registry's metrics."""
    head, marker, _ = text.partition(GENERATED_MARKER + "\n")
    if not marker:
        raise ValueError(f"{SEMANTIC_MODELS_YML.name} has no line {GENERATED_MARKER.strip()!r}")
    return head + marker + semantic_metrics_yaml(registry)


def main() -> int:
    """Rewrite the generated metrics of the semantic models' file from the registry."""
    text = SEMANTIC_MODELS_YML.read_text(encoding="utf-8")
    updated = with_generated_metrics(text, read_registry())
    if updated != text:
        SEMANTIC_MODELS_YML.write_text(updated, encoding="utf-8")
        print(f"updated {SEMANTIC_MODELS_YML.relative_to(DBT_PROJECT_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
