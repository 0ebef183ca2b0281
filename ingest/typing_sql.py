"""SQL expressions that type one text cell of an export by its contract column: the value in the
column's type (NULL when it does not parse) and the reason to quarantine its row (NULL when it
is fine). Numbers with thousands separators, currency signs and Chinese units; dates in the shapes
below; enums and currencies through their alias tables."""

from __future__ import annotations

from ingest.contract import Column

# Date and time shapes read, after the date part's separators are normalised to '-' (2026/02/10,
# 2026.02.10 and 2026年02月10日 all become 2026-02-10) and an ISO 'T' to a space. Each value is
# matched to one shape first, then parsed with that one format: trying a list of formats per value
# cost ten times more. Ambiguous forms (10/02/2026) and Excel serial numbers are not read.
DATE_SHAPES: tuple[tuple[str, str], ...] = (
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}", "%Y-%m-%d %H:%M"),
    (r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}", "%Y-%m-%d %H:%M:%S"),
    (r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}\.\d{1,6}", "%Y-%m-%d %H:%M:%S.%f"),
    (r"\d{8}", "%Y%m%d"),
)


def cleaned_number(text: str) -> str:
    """SQL: the number in ``text`` as plain digits, or NULL when it is not a number we can read.

    Currency marks, spaces (also no-break and full-width) and thousands separators go; (1,234.50)
    and SAP's 1,234.50- are negative. Only unambiguous forms pass: 1234.5, 1,234.5, 1.2E+05, 50%.
    A European 1.234,50 or a bare 1234,5 is refused (quarantined), never read as 1.2345.
    """
    stripped = (
        f"replace(regexp_replace({text}, '[\\s\u00a0\u3000¥￥$€£元]|CNY|RMB|USD|EUR', '', 'g'), "
        f"'，', ',')"
    )
    signed = (
        f"regexp_replace(regexp_replace({stripped}, '^\\((.*)\\)$', '-\\1'), "
        f"'^([0-9.,]+)-$', '-\\1')"
    )
    grammar = "[+-]?(([0-9]+|[0-9]{1,3}(,[0-9]{3})+)([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?%?"
    return (
        f"(case when regexp_full_match({signed}, '{grammar}') then replace({signed}, ',', '') end)"
    )


def wide_number(col: Column, text: str) -> str:
    """The exact value as DECIMAL(38,12), before it is narrowed to the column's type."""
    cleaned = cleaned_number(text)
    number = f"try_cast(rtrim({cleaned}, '%') as decimal(38,12))"
    if col.type == "ratio" and not col.percent_units:
        # 50% means 0.5 for weights and thresholds; split percents are already in percent units.
        return (
            f"(case when {cleaned} like '%\\%' escape '\\' then {number} / 100 else {number} end)"
        )
    return number


def timestamp_expr(text: str) -> str:
    """SQL: the timestamp in ``text`` (one of DATE_SHAPES), or NULL."""
    normalised = (
        f"regexp_replace(regexp_replace({text}, "
        f"'^([0-9]{{4}})[-/.年]([0-9]{{1,2}})[-/.月]([0-9]{{1,2}})日?', '\\1-\\2-\\3'), "
        f"'^([0-9-]+)T([0-9])', '\\1 \\2')"
    )
    branches = " ".join(
        f"when regexp_full_match(value, '{shape}') then try_strptime(value, '{fmt}')"
        for shape, fmt in DATE_SHAPES
    )
    # A lambda binds the normalised text once instead of repeating it in every branch.
    return f"list_transform([{normalised}], lambda value: case {branches} end)[1]"


def enum_value(enum: str | None, text: str) -> str:
    """SQL: the canonical value of ``enum`` that ``text`` names (value or alias), or NULL."""
    return (
        f"(select any_value(value) from __enum_aliases as aliases "
        f"where aliases.enum = '{enum}' and aliases.alias = lower({text}))"
    )


def parse_expr(col: Column, ref: str) -> str:
    """SQL that turns the text value ``ref`` into the column's type; NULL when it does not parse."""
    text = f"nullif(trim({ref}), '')"
    if col.type == "text" and col.enum:
        # A name with a vocabulary (metric): folded when known, kept as written when not.
        return f"coalesce({enum_value(col.enum, text)}, {text})"
    if col.type == "text":
        return text
    if col.type in ("date", "timestamp"):
        parsed = timestamp_expr(text)
        return f"cast({parsed} as date)" if col.type == "date" else parsed
    if col.type == "int":
        # Whole numbers only: DuckDB would round '4.5' to 5 in a cast, which is a silent guess.
        cleaned = cleaned_number(text)
        whole = f"regexp_full_match({cleaned}, '[+-]?[0-9]+')"
        return f"(case when {whole} then try_cast({cleaned} as bigint) end)"
    if col.type in ("money", "price", "rate", "ratio"):
        return f"try_cast({wide_number(col, text)} as {col.sql_type})"
    if col.type == "bool":
        return (
            f"(case when lower({text}) in ('true', 't', '1', 'y', 'yes', '是', '对') then true "
            f"when lower({text}) in ('false', 'f', '0', 'n', 'no', '否', '错') then false end)"
        )
    if col.type == "enum":
        return enum_value(col.enum, text)
    if col.type == "currency":
        return (
            f"coalesce((select any_value(code) from __currency_aliases as aliases "
            f"where aliases.alias = lower({text})), upper({text}))"
        )
    raise ValueError(f"unknown type {col.type}")


def problem_expr(col: Column, ref: str, value: str) -> str:
    """SQL giving this column's quarantine reason for a row, or NULL when the value is fine."""
    text = f"nullif(trim({ref}), '')"
    checks = []
    if col.required:
        checks.append(f"when {text} is null then 'missing required {col.name}'")
    if col.type != "text":
        checks.append(
            f"when {value} is null then 'unparseable {col.type} in {col.name}: ' || "
            f"left({text}, 60)"
        )
    if col.type in ("money", "price", "rate", "ratio"):
        wide = wide_number(col, text)
        checks.append(
            f"when {value} <> {wide} then '{col.name} has more decimal places than "
            f"{col.sql_type} keeps: ' || {text}"
        )
    if col.type == "currency":
        checks.append(
            f"when not regexp_full_match({value}, '[A-Z]{{3}}') then "
            f"'invalid currency code in {col.name}: ' || {text}"
        )
    if col.type in ("date", "timestamp"):
        # The plausible window ($date_min, $date_max: ingest.contract.date_window).
        checks.append(
            f"when cast({value} as date) not between $date_min and $date_max then "
            f"'{col.name} outside the plausible dates (' || $date_min || ' to ' || $date_max "
            f"|| '): ' || left({text}, 60)"
        )
    if col.min_value is not None:
        checks.append(
            f"when {value} < {col.min_value} then "
            f"'{col.name} out of range (at least {col.min_value}): ' || {text}"
        )
    if col.max_value is not None:
        checks.append(
            f"when {value} > {col.max_value} then "
            f"'{col.name} out of range (at most {col.max_value}): ' || {text}"
        )
    if not checks:
        return "null"
    guard = f"when {text} is null and {str(not col.required).lower()} then null"
    return f"(case {guard} {' '.join(checks)} end)"
