"""The published copy describes itself: every table and column carries its dbt description as a
DuckDB comment (what Metabase, Superset and DBeaver show beside a column), and each Parquet file
carries its table's comments in its key-value metadata."""

from __future__ import annotations

import json

import duckdb

from core.sql import quote_ident, quote_literal
from publication.catalogue import Catalogue


def describe_tables(
    con: duckdb.DuckDBPyConnection, catalog: str, catalogue: Catalogue, tables: set[str]
) -> None:
    """``COMMENT ON`` each of ``tables`` in ``catalog``'s main schema and on each of its
    columns, from the catalogue (DuckDB takes no parameters in COMMENT ON: quoted literals)."""
    for name in sorted(tables):
        table = catalogue.table(name)
        relation = f"{quote_ident(catalog)}.main.{quote_ident(name)}"
        con.execute(f"comment on table {relation} is {quote_literal(table.description)}")
        for (column,) in con.execute(
            "select column_name from duckdb_columns() "
            "where database_name = ? and schema_name = 'main' and table_name = ? "
            "order by column_index",
            [catalog, name],
        ).fetchall():
            described = quote_literal(table.columns.get(column, ""))
            con.execute(f"comment on column {relation}.{quote_ident(column)} is {described}")


def table_comments(
    con: duckdb.DuckDBPyConnection, catalog: str, table: str
) -> tuple[str, dict[str, str]]:
    """A table's comment and its columns' comments, as the database holds them."""
    rows = con.execute(
        "select comment from duckdb_tables() "
        "where database_name = ? and schema_name = 'main' and table_name = ?",
        [catalog, table],
    ).fetchall()
    columns = con.execute(
        "select column_name, comment from duckdb_columns() "
        "where database_name = ? and schema_name = 'main' and table_name = ? "
        "order by column_index",
        [catalog, table],
    ).fetchall()
    return (rows[0][0] or "") if rows else "", {name: comment or "" for name, comment in columns}


def parquet_metadata(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> str:
    """COPY's ``kv_metadata`` option for a table's Parquet file: ``description`` (the table's
    comment) and ``column_descriptions`` (a JSON object, column to comment)."""
    description, columns = table_comments(con, catalog, table)
    return (
        f"kv_metadata {{description: {quote_literal(description)}, "
        f"column_descriptions: {quote_literal(json.dumps(columns, ensure_ascii=False))}}}"
    )
