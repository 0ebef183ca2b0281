"""How the export contract declares a column and an entity (ingest/contract.py explains the
contract; ingest/entities.py is the table of entities)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.vocabulary import aliases_of

# Logical types and the DuckDB type each is stored as. Money is DECIMAL, never float: amounts keep
# cents, prices and costs four places, FX rates eight.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "money": "DECIMAL(18,2)",
    "price": "DECIMAL(18,4)",
    "rate": "DECIMAL(18,8)",
    "ratio": "DECIMAL(12,6)",
    "int": "BIGINT",
    "bool": "BOOLEAN",
    "enum": "VARCHAR",
    "currency": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False
    enum: str | None = None
    aliases: tuple[str, ...] = ()
    default: str | None = None  # a literal default for an optional column left empty
    default_from: str | None = None  # another column's value when this one is left empty
    percent_units: bool = False  # 60 means 60% (a trailing % is just stripped), not 0.6
    min_value: str | None = None  # inclusive bounds, as SQL literals; outside → quarantined
    max_value: str | None = None

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    version_by: str | None = None  # column that orders versions of a record; else newest file
    optional: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        return f"{self.source}/{self.name}"

    @property
    def raw_table(self) -> str:
        return f"{self.source}_{self.name}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def c(name: str, type_: str = "text", *aliases: str, req: bool = False, **kw: object) -> Column:
    """Shorthand for a column declaration; keeps the table below readable. Its aliases are the
    field vocabulary's (ingest/vocabulary.py) and then those given here."""
    return Column(name, type_, req, aliases=aliases_of(name, aliases), **kw)  # type: ignore[arg-type]
