"""Fingerprints of a table's content: one published with every version (exact, stable across
DuckDB versions) and one to tell quickly whether a table changed since the last publication."""

from __future__ import annotations

import hashlib

import duckdb

LOW_64_BITS = 2**64 - 1


def table_fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """An order-independent content hash of a table: same rows (as text), same hash.

    Sums of the two 64-bit halves of each row's MD5 scale to tens of millions of rows without
    building one huge string, and the struct cast includes column names and exact decimals.
    Each row's text is hashed once and split (the same halves as DuckDB's md5_number_upper and
    md5_number_lower, which would cast and hash every row twice: 2.8 times the cost).
    """
    count, upper, lower = con.execute(
        "select count(*), "
        f"coalesce(sum((row_md5 & {LOW_64_BITS}::uhugeint)::ubigint), 0), "
        "coalesce(sum((row_md5 >> 64)::ubigint), 0) "
        f"from (select md5_number(cast(t as varchar)) as row_md5 from {relation} as t)"
    ).fetchall()[0]
    return hashlib.sha256(f"{count}:{upper}:{lower}".encode()).hexdigest()


def change_fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """A fast, order-independent fingerprint of a table, to tell whether it changed since the
    previous publication: the row count and two exact sums of DuckDB's own 64-bit row hash.

    Much faster than ``table_fingerprint`` (no row is turned into text; docs/BENCHMARKS.md),
    but DuckDB's hash is not promised to
    stay the same across versions, so it is compared only within one ``layout``, and the
    published content hash stays ``table_fingerprint``.
    """
    count, first, second = con.execute(
        "select count(*), coalesce(sum(hash(t)::hugeint), 0), "
        f"coalesce(sum(hash(t, 1)::hugeint), 0) from {relation} as t"
    ).fetchall()[0]
    return f"{count}:{first}:{second}"
