"""SQL identifiers: every name that reaches SQL text (a header, a table, a column) is quoted."""


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB: a header can never become SQL."""
    return '"' + name.replace('"', '""') + '"'
