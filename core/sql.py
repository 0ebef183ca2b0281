"""SQL identifiers: every name that reaches SQL text (a header, a table, a column) is quoted."""


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB: a header can never become SQL."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A string as a SQL literal, for the statements DuckDB takes no parameters in (COPY's
    options, COMMENT ON)."""
    return "'" + text.replace("'", "''") + "'"
