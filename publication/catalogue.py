"""What is published, as the dbt project declares it: each published table with its key, the
personal columns left out, and the descriptions BI tools show.

A model is published when its YAML says so (``config.meta.published``, with the table's
``key``: the columns of its uniqueness test, the order it is written in). The tables the
publisher writes itself (the publication log, closed months, restatements, scorecard versions)
are the dbt source ``published``. Both are read from dbt's manifest, so adding a published table
or describing a column is an edit of the dbt project only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PUBLISHER_SOURCE = "published"


class CatalogueError(ValueError):
    """The manifest declares no published table, or declares one without a key."""


@dataclass(frozen=True)
class PublishedTable:
    name: str
    schema: str  # where dbt builds it in build.duckdb ('' for a table the publisher writes)
    key: tuple[str, ...]
    description: str
    columns: Mapping[str, str] = field(default_factory=dict)  # column → description
    personal: tuple[str, ...] = ()  # left out unless personal data is published


@dataclass(frozen=True)
class Catalogue:
    tables: tuple[PublishedTable, ...]  # the marts, copied from the build
    written: tuple[PublishedTable, ...]  # written by the publisher

    def table(self, name: str) -> PublishedTable:
        for table in (*self.tables, *self.written):
            if table.name == name:
                return table
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(table.name for table in self.tables)

    def digest(self) -> str:
        """What the catalogue decides of a published file's bytes: keys (the row order) and
        descriptions (the comments and the Parquet metadata)."""
        described = {
            table.name: [table.key, table.description, sorted(table.columns.items())]
            for table in (*self.tables, *self.written)
        }
        return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def catalogue_from_manifest(manifest: Mapping[str, Any]) -> Catalogue:
    """The published tables a dbt manifest declares, by name."""
    tables = []
    for node in manifest["nodes"].values():
        declared = (node.get("config") or {}).get("meta", {}).get("published")
        if node.get("resource_type") != "model" or declared is None:
            continue
        if not declared.get("key"):
            raise CatalogueError(
                f"model {node['name']} is published without a key (meta.published.key)"
            )
        tables.append(
            PublishedTable(
                name=node["name"],
                schema=node["schema"],
                key=tuple(declared["key"]),
                description=node.get("description", ""),
                columns=_descriptions(node),
                personal=tuple(declared.get("personal_columns", ())),
            )
        )
    if not tables:
        raise CatalogueError("the dbt manifest declares no published model (meta.published)")
    by_name = {table.name: table for table in tables}
    written = []
    for source in manifest["sources"].values():
        if source.get("source_name") != PUBLISHER_SOURCE:
            continue
        columns = _descriptions(source)
        like = (source.get("config") or {}).get("meta", {}).get("columns_of") or source.get(
            "meta", {}
        ).get("columns_of")
        if like:
            columns = {**columns, **by_name[like].columns}
        written.append(
            PublishedTable(
                name=source["name"],
                schema="",
                key=(),
                description=source.get("description", ""),
                columns=columns,
            )
        )
    return Catalogue(
        tables=tuple(sorted(tables, key=lambda table: table.name)),
        written=tuple(sorted(written, key=lambda table: table.name)),
    )


def read_catalogue(manifest_path: Path) -> Catalogue:
    """The catalogue of the manifest dbt wrote at ``manifest_path``."""
    return catalogue_from_manifest(json.loads(manifest_path.read_text(encoding="utf-8")))


def _descriptions(node: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: " ".join(column.get("description", "").split())
        for name, column in node.get("columns", {}).items()
    }
