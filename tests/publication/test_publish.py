import dataclasses
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.manifest import DBT_PROJECT, ensure_manifest
from publication.catalogue import read_catalogue
from publication.closing import ClosedMonth, CloseError, close_month, read_closed_months
from publication.fingerprints import change_fingerprint, table_fingerprint
from publication.publish import in_own_process
from publication.publish import publish as publish_with
from publication.published_layout import (
    PUBLISHED_STORAGE_VERSION,
    published_version,
    read_publication_log,
)

AS_OF = dt.date(2026, 3, 10)
ensure_manifest()
CATALOGUE = read_catalogue(DBT_PROJECT.manifest_path)
PUBLISHED_NAMES = set(CATALOGUE.names)


def publish(*args, **kwargs):
    """Publication with the dbt project's catalogue, as the Dagster asset calls it."""
    return publish_with(*args, catalogue=CATALOGUE, **kwargs)


D = decimal.Decimal


def write_scorecard(build: Path, february_actual: str = "20.25", as_of: str = "2026-03-10") -> None:
    """A two-month scorecard with the columns publication reads (key, restated, as_of_date)."""
    with duckdb.connect(str(build)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            f"""
            create or replace table marts.scorecard_attainment as
            select
                'month' as period_grain, period_month as period_start, period_month,
                'rep' as scope_type, 'R1' as scope_id,
                'revenue' as metric, null::decimal(18, 4) as target_floor,
                100.00::decimal(18, 4) as target, null::decimal(18, 4) as target_stretch,
                100.00::decimal(18, 4) as target_original, actual,
                actual / 100 as attainment, null::varchar as attainment_null_reason,
                'none' as tier_reached, 100 - actual as gap_to_target, 1 as rank_in_parent,
                date '{as_of}' as as_of_date
            from (values
                (date '2026-01-01', 10.50::decimal(18, 2)),
                (date '2026-02-01', {february_actual}::decimal(18, 2))
            ) as t(period_month, actual)
            """
        )


@pytest.fixture
def build_db(tmp_path: Path) -> Path:
    path = tmp_path / "build.duckdb"
    write_scorecard(path)
    with duckdb.connect(str(path)) as con:
        for table in CATALOGUE.tables:
            if table.name != "scorecard_attainment":
                columns = ", ".join(f'1 as "{column}"' for column in table.key)
                con.execute(f'create table marts."{table.name}" as select {columns}')
    return path


def test_first_publication_is_version_1_with_log(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publication = publish(build_db, published, AS_OF, {"checks_evaluated": 3})
    assert publication.version == 1
    assert publication.months_covered == "2026-01..2026-02"
    [row] = read_publication_log(published)
    assert row[0] == 1 and row[1] == AS_OF
    assert json.loads(row[4])["scorecard_attainment"] == 2
    assert json.loads(row[6]) == {"checks_evaluated": 3}
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select sum(actual) from scorecard_attainment").fetchone()[0] == (
            pytest.approx(30.75)
        )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_republishing_keeps_history_and_hashes(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    assert published_version(published) is None
    first = publish(build_db, published, AS_OF, {})
    assert published_version(published) == 1
    second = publish(build_db, published, AS_OF, {})
    assert second.version == 2
    assert second.table_hashes == first.table_hashes
    assert [row[0] for row in read_publication_log(published)] == [1, 2]
    assert published_version(published) == 2


def test_published_keys_are_the_keys_dbt_tests_as_unique_and_not_null():
    """Publication orders each table by its key: only a key dbt proves unique (and, for one
    column, not null) before the gate makes that order total, so that the layout is the same."""
    nodes = json.loads(DBT_PROJECT.manifest_path.read_text())["nodes"]
    published = PUBLISHED_NAMES
    unique: dict[str, list[tuple[str, ...]]] = {}
    not_null: set[tuple[str, str]] = set()
    for node in nodes.values():
        test = node.get("test_metadata") or {}
        parents = [
            nodes[parent]["name"]
            for parent in node.get("depends_on", {}).get("nodes", [])
            if parent in nodes
        ]
        if node["resource_type"] != "test" or parents[:1] == [] or parents[0] not in published:
            continue
        if node["config"]["severity"].lower() != "error" or node["config"].get("where"):
            continue  # a warning, or a test of some rows only, proves nothing for the order
        arguments = test.get("kwargs", {})
        if test.get("name") == "primary_key":  # unique and not null (macros/test_*.sql)
            key = tuple(arguments.get("columns") or [arguments["column_name"]])
            unique.setdefault(parents[0], []).append(key)
            not_null.update((parents[0], column) for column in key)
        elif test.get("name") == "unique":
            unique.setdefault(parents[0], []).append((arguments["column_name"],))
        elif test.get("name") == "unique_combination_of_columns":
            unique.setdefault(parents[0], []).append(tuple(arguments["combination_of_columns"]))
        elif test.get("name") == "not_null":
            not_null.add((parents[0], arguments["column_name"]))
    keys = {table.name: table.key for table in CATALOGUE.tables}
    for table, key in keys.items():
        assert key in unique.get(table, []), f"{table}: no blocking uniqueness test on {key}"
        if len(key) == 1:
            assert (table, key[0]) in not_null, f"{table}.{key[0]} is not tested not null"


def test_a_table_is_published_in_key_order_whatever_the_build_order(build_db, tmp_path):
    with duckdb.connect(str(build_db)) as con:
        con.execute(
            "create or replace table marts.payouts as select * from (values "
            "('P3', 3.00::decimal(18, 2)), ('P1', 1.00), ('P2', 2.00)) as rows(payout_id, amount)"
        )
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute("select payout_id from payouts").fetchall()
    assert rows == [("P1",), ("P2",), ("P3",)]


def test_fingerprint_ignores_order_but_not_content():
    with duckdb.connect() as con:
        con.execute("create table a as select * from (values (1, 'x'), (2, 'y')) t(n, s)")
        con.execute("create table b as select * from (values (2, 'y'), (1, 'x')) t(n, s)")
        con.execute("create table c as select * from (values (2, 'y'), (1, 'z')) t(n, s)")
        con.execute("create table d as select * from (values (1, 'x'), (1, 'x'), (2, 'y')) t(n, s)")
        assert table_fingerprint(con, "a") == table_fingerprint(con, "b")
        assert table_fingerprint(con, "a") != table_fingerprint(con, "c")
        assert table_fingerprint(con, "a") != table_fingerprint(con, "d")
        # The halves of each row's MD5 summed exactly: what DuckDB's own functions give.
        count, upper, lower = con.execute(
            "select count(*), sum(md5_number_upper(cast(t as varchar))), "
            "sum(md5_number_lower(cast(t as varchar))) from c as t"
        ).fetchall()[0]
        expected = hashlib.sha256(f"{count}:{upper}:{lower}".encode()).hexdigest()
        assert table_fingerprint(con, "c") == expected
        con.execute("create table e as select * from c limit 0")
        assert table_fingerprint(con, "e") == hashlib.sha256(b"0:0:0").hexdigest()


def test_change_fingerprint_ignores_order_but_not_content():
    """DuckDB's row hash sees values, not their type (1 as INTEGER and as DECIMAL(38, 0) hash
    alike): publication compares the columns' types as well (tested below)."""
    with duckdb.connect() as con:
        con.execute("create table a as select * from (values (1, 'x'), (2, 'y')) t(n, s)")
        con.execute("create table b as select * from (values (2, 'y'), (1, 'x')) t(n, s)")
        con.execute("create table c as select * from (values (2, 'y'), (1, 'z')) t(n, s)")
        con.execute("create table d as select * from (values (1, 'x'), (1, 'x'), (2, 'y')) t(n, s)")
        con.execute("create table e as select s as n, n as s from a")
        con.execute("create table f as select n::decimal(38, 0) as n, s from a")
        assert change_fingerprint(con, "a") == change_fingerprint(con, "b")
        assert len({change_fingerprint(con, table) for table in "acde"}) == 4
        assert change_fingerprint(con, "f") == change_fingerprint(con, "a")
        con.execute("create table g as select * from c limit 0")
        assert change_fingerprint(con, "g") == "0:0:0"


def test_a_failed_publication_leaves_the_old_one_untouched(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    before = published.read_bytes()
    with duckdb.connect(str(build_db)) as con:
        con.execute("drop table marts.fct_targets")
    with pytest.raises(duckdb.CatalogException):
        publish(build_db, published, AS_OF, {})
    assert published.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_publishing_in_a_process_of_its_own_gives_the_same_publication(build_db, tmp_path):
    """The run publishes from a spawned process (its memory goes when it ends): same result,
    same tables, and an error in it is the same exception here, with nothing published."""
    here = publish(build_db, tmp_path / "here.duckdb", AS_OF, {"checks_evaluated": 3})
    published = tmp_path / "published.duckdb"
    there = in_own_process(
        publish_with, build_db, published, AS_OF, {"checks_evaluated": 3}, catalogue=CATALOGUE
    )
    assert there.version == here.version == 1
    assert there.table_hashes == here.table_hashes
    assert there.row_counts == here.row_counts
    assert there.path == published and published.exists()
    before = published.read_bytes()
    with duckdb.connect(str(build_db)) as con:
        con.execute("drop table marts.fct_targets")
    with pytest.raises(duckdb.CatalogException, match="fct_targets"):
        in_own_process(publish_with, build_db, published, AS_OF, {}, catalogue=CATALOGUE)
    assert published.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_publishing_process_dies_with_the_run(tmp_path):
    """A run killed while its publisher works must not leave the publisher to swap a file in
    later: the spawned process asks Linux to kill it when its parent dies."""
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, time
            from publication.publish import in_own_process

            def publishing():
                print(os.getpid(), flush=True)
                time.sleep(60)

            if __name__ == "__main__":
                in_own_process(publishing)
            """
        ),
        encoding="utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, cwd=Path(__file__).parents[2]
    )
    child = int(parent.stdout.readline())
    assert running(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child), f"the publishing process {child} outlived its parent"


def running(pid: int) -> bool:
    """Alive, not a zombie nobody reaped yet (/proc/<pid>/stat's state)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_published_file_uses_the_chosen_storage_version(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    with duckdb.connect() as con:
        con.execute("attach ? as pub (read_only)", [str(published)])
        version = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'pub'"
        ).fetchone()[0]
    assert version is None or version.startswith(PUBLISHED_STORAGE_VERSION[:4])


def test_swap_is_a_rename_not_a_rewrite(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    inode = os.stat(published).st_ino
    publish(build_db, published, AS_OF, {})
    assert os.stat(published).st_ino != inode


def close(published: Path, month: str) -> ClosedMonth:
    return close_month(published.parent, published, month)


def test_restatement_keeps_the_closed_version_and_shows_the_diff(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    publish(build_db, published, AS_OF, {})
    closed = close(published, "2026-02")
    assert closed.closed_in_version == 1
    later = dt.date(2026, 4, 5)
    # Same figures later: no restatement, the month's version 1 is kept.
    write_scorecard(build_db, as_of="2026-04-05")
    second = publish(build_db, published, later, {}, closed_months=[closed])
    assert second.restated_months == ()
    # A changed figure: version 3 restates February.
    write_scorecard(build_db, february_actual="25.25", as_of="2026-04-05")
    third = publish(build_db, published, later, {}, closed_months=[closed])
    assert third.restated_months == ("2026-02",)
    with duckdb.connect(str(published), read_only=True) as con:
        versions = con.execute(
            "select version, actual from scorecard_attainment_versions order by version"
        ).fetchall()
        diff = con.execute(
            "select version, month_start, scope_id, column_name, old_value, new_value "
            "from restatements order by column_name"
        ).fetchall()
        log = con.execute("select version, restated_months from publication_log").fetchall()
        closed_rows = con.execute(
            "select month_start, closed_in_version from closed_months"
        ).fetchall()
    assert versions == [(1, D("20.25")), (3, D("25.25"))]
    assert diff == [
        (3, dt.date(2026, 2, 1), "R1", "actual", "20.25", "25.25"),
        (3, dt.date(2026, 2, 1), "R1", "attainment", "0.2025", "0.2525"),
        (3, dt.date(2026, 2, 1), "R1", "gap_to_target", "79.75", "74.75"),
    ]
    assert log == [(1, ""), (2, ""), (3, "2026-02")]
    assert closed_rows == [(dt.date(2026, 2, 1), 1)]
    # January is not closed: its changes are not restatements.
    write_scorecard(build_db, february_actual="25.25", as_of="2026-04-05")
    fourth = publish(build_db, published, later, {}, closed_months=[closed])
    assert fourth.restated_months == ()


def test_close_refuses_what_cannot_be_closed(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    with pytest.raises(CloseError, match="nothing is published"):
        close(published, "2026-02")
    publish(build_db, published, AS_OF, {})
    with pytest.raises(CloseError, match="YYYY-MM"):
        close(published, "2026-13")
    with pytest.raises(CloseError, match="not in the published copy"):
        close(published, "2025-06")
    publish(build_db, published, dt.date(2026, 2, 20), {})
    with pytest.raises(CloseError, match="still open"):
        close(published, "2026-02")
    close(published, "2026-01")
    with pytest.raises(CloseError, match="already closed"):
        close(published, "2026-01")
    assert [c.month for c in read_closed_months(tmp_path)] == ["2026-01"]


def test_parquet_copies_follow_the_published_version(build_db, tmp_path):
    published = tmp_path / "published.duckdb"
    root = tmp_path / "published"
    for _ in range(3):
        last = publish(build_db, published, AS_OF, {}, parquet_root=root)
    assert last.parquet_dir == root / "v000003"
    assert (root / "current").resolve() == last.parquet_dir
    assert sorted(p.name for p in root.iterdir()) == ["current", "v000002", "v000003"]
    with duckdb.connect() as con:
        rows = con.execute(
            "select sum(actual) from read_parquet(?)",
            [str(root / "current" / "scorecard_attainment.parquet")],
        ).fetchall()
        log = con.execute(
            "select max(version) from read_parquet(?)",
            [str(root / "current" / "publication_log.parquet")],
        ).fetchall()
    assert rows == [(D("30.75"),)] and log == [(3,)]


def contents(database: Path) -> dict[str, tuple[list, list]]:
    """Every table of a database: its columns with types, and its rows in stored order."""
    with duckdb.connect(str(database), read_only=True) as con:
        names = [row[0] for row in con.execute("show tables").fetchall()]
        return {
            name: (
                con.execute(f'describe "{name}"').fetchall(),
                con.execute(f'select * from "{name}"').fetchall(),
            )
            for name in names
            if name != "publication_log"
        }


def linked(earlier: Path, later: Path) -> set[str]:
    """Tables whose Parquet file in ``later`` is the same file (inode) as in ``earlier``."""
    return {
        path.stem
        for path in later.glob("*.parquet")
        if (earlier / path.name).exists()
        and os.stat(earlier / path.name).st_ino == path.stat().st_ino
    }


def test_an_unchanged_table_is_carried_from_the_previous_publication(build_db, tmp_path):
    """A publication starts from the previous file: a table whose build content has the logged
    fingerprint is kept as it is there (its Parquet file linked), a changed one is written anew,
    and the result is, table for table and row for row, what a first publication gives."""
    published, root = tmp_path / "published.duckdb", tmp_path / "published"
    first = publish(build_db, published, AS_OF, {}, parquet_root=root)
    second = publish(build_db, published, AS_OF, {}, parquet_root=root)
    assert linked(first.parquet_dir, second.parquet_dir) == PUBLISHED_NAMES
    assert second.table_hashes == first.table_hashes
    with duckdb.connect(str(build_db)) as con:
        con.execute("insert into marts.payouts values (2), (0)")
        con.execute("update marts.dim_users set user_id = 7")  # same row count
    third = publish(build_db, published, AS_OF, {}, parquet_root=root)
    changed = {"payouts", "dim_users"}
    assert linked(second.parquet_dir, third.parquet_dir) == PUBLISHED_NAMES - changed
    fresh = publish(build_db, tmp_path / "fresh.duckdb", AS_OF, {}, parquet_root=tmp_path / "f")
    assert third.table_hashes == fresh.table_hashes
    assert third.row_counts == fresh.row_counts and third.row_counts["payouts"] == 3
    assert contents(published) == contents(tmp_path / "fresh.duckdb")
    assert contents(published)["payouts"][1] == [(0,), (1,), (2,)]
    assert contents(published)["dim_users"][1] == [(7,)]
    for table in PUBLISHED_NAMES:
        name = f"{table}.parquet"
        assert (third.parquet_dir / name).read_bytes() == (fresh.parquet_dir / name).read_bytes()


def test_a_table_with_the_same_text_but_other_types_is_written_anew(build_db, tmp_path):
    """Both fingerprints miss a change of type alone (1 as INTEGER and as DECIMAL(38, 0) have
    the same text and the same row hash), so the column types are compared too."""
    published, root = tmp_path / "published.duckdb", tmp_path / "published"
    first = publish(build_db, published, AS_OF, {}, parquet_root=root)
    with duckdb.connect(str(build_db)) as con:
        con.execute(
            "create or replace table marts.payouts as select 1::decimal(38, 0) as payout_id"
        )
    second = publish(build_db, published, AS_OF, {}, parquet_root=root)
    assert second.table_hashes["payouts"] == first.table_hashes["payouts"]
    assert "payouts" not in linked(first.parquet_dir, second.parquet_dir)
    assert contents(published)["payouts"][0][0][:2] == ("payout_id", "DECIMAL(38,0)")


@pytest.mark.parametrize("change", ["edited", "unstamped", "other layout"])
def test_a_previous_file_changed_since_its_publication_is_not_carried(
    build_db, tmp_path, change, monkeypatch
):
    """Only the file exactly as its publisher left it, laid out as this code lays tables out,
    is a starting point: an edit made outside the pipeline (same row count), a publication
    that crashed before its stamp, or another DuckDB version or sort key means every table is
    written from the build again."""
    published, root = tmp_path / "published.duckdb", tmp_path / "published"
    first = publish(build_db, published, AS_OF, {}, parquet_root=root)
    if change == "edited":
        with duckdb.connect(str(published)) as con:
            con.execute("update dim_users set user_id = 5")
    elif change == "unstamped":
        published.with_name(published.name + ".stamp").unlink()
    else:
        monkeypatch.setattr("publication.publish.layout", lambda catalogue: "another DuckDB")
    second = publish(build_db, published, AS_OF, {}, parquet_root=root)
    assert linked(first.parquet_dir, second.parquet_dir) == set()
    assert contents(published)["dim_users"][1] == [(1,)]
    assert second.table_hashes == first.table_hashes


def test_a_log_from_before_change_fingerprints_is_carried_on_and_nothing_is_kept(
    build_db, tmp_path
):
    """A publication made before the log had ``layout`` and ``change_hashes``: its rows are kept
    with those columns null, and (even with a matching stamp) every table is written anew."""
    from publication.publish import _stamp

    published, root = tmp_path / "published.duckdb", tmp_path / "published"
    first = publish(build_db, published, AS_OF, {}, parquet_root=root)
    with duckdb.connect(str(published)) as con:
        con.execute(
            "create table older as select * exclude (layout, change_hashes) from publication_log"
        )
        con.execute("drop table publication_log")
        con.execute("alter table older rename to publication_log")
    _stamp(published, 1)
    second = publish(build_db, published, AS_OF, {}, parquet_root=root)
    assert linked(first.parquet_dir, second.parquet_dir) == set()
    assert second.table_hashes == first.table_hashes
    with duckdb.connect(str(published), read_only=True) as con:
        log = con.execute(
            "select version, layout is null, change_hashes is null from publication_log "
            "order by version"
        ).fetchall()
    assert log == [(1, True, True), (2, False, False)]


READER = r"""
import json, os, sys
import duckdb
path, parquet, stop_file = sys.argv[1], sys.argv[2], sys.argv[3]
reads, errors, seen = 0, [], []
while not os.path.exists(stop_file):
    try:
        # The Parquet copy a BI tool reads, first: it is swapped after the database, so what
        # was current then can never be ahead of the database read after it.
        with duckdb.connect() as con:
            copied = con.execute(
                f"select max(version) from '{parquet}/current/publication_log.parquet'"
            ).fetchall()[0][0]
        with duckdb.connect(path, read_only=True) as con:
            version, counts = con.execute(
                "select version, row_counts from publication_log order by version desc limit 1"
            ).fetchall()[0]
            for table, expected in json.loads(counts).items():
                actual = con.execute(f'select count(*) from "{table}"').fetchall()[0][0]
                if actual != expected:
                    errors.append(f"v{version} {table}: {actual} rows, log says {expected}")
        if copied > version:
            errors.append(f"Parquet at v{copied} ahead of the database at v{version}")
        seen.append(version)
        reads += 1
    except Exception as exc:  # any error at all is a failure of the publication
        errors.append(repr(exc))
print(json.dumps({"reads": reads, "errors": errors[:5], "seen": seen}))
"""


def test_soak_twenty_publications_with_a_reader_beside_them(build_db, tmp_path):
    """Twenty publications in a row, with alternating content, while a separate process reads
    published.duckdb and its Parquet copy in a loop: no reader error, no partial state (row
    counts always those the version's log names, Parquet never ahead), versions strictly
    increasing."""
    import subprocess
    import sys

    published = tmp_path / "published.duckdb"
    parquet = tmp_path / "published"
    other = tmp_path / "other.duckdb"
    shutil.copy(build_db, other)
    with duckdb.connect(str(other)) as con:
        con.execute("insert into marts.payouts select 2 from range(50)")
        con.execute("insert into marts.dim_users select 3 from range(70)")
    publish(build_db, published, AS_OF, {}, parquet_root=parquet)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(parquet), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    versions = []
    try:
        for number in range(20):
            source = other if number % 2 else build_db
            versions.append(publish(source, published, AS_OF, {}, parquet_root=parquet).version)
            time.sleep(0.05)
    finally:
        stop.touch()
        output, _ = reader.communicate(timeout=60)
    assert versions == list(range(2, 22))
    result = json.loads(output)
    assert result["errors"] == []
    assert result["reads"] > 20
    assert result["seen"] == sorted(result["seen"]), "a reader saw an older version after a newer"
    assert len(set(result["seen"])) > 3


def test_personal_data_stays_in_the_build_unless_the_operator_opts_in(build_db, tmp_path):
    """E-mail and tax id are in the build, not in the published copy or its Parquet files that
    every BI user reads; with the opt-in they are. The published files are not world-readable."""
    with duckdb.connect(str(build_db)) as con:
        con.execute(
            "create or replace table marts.dim_users as "
            "select 'U1' as user_id, 'Li Lei' as full_name, 'li@example.com' as email"
        )
        con.execute(
            "create or replace table marts.dim_accounts as "
            "select 'A1' as account_key, '91310000000000001' as tax_id"
        )
    published = tmp_path / "published.duckdb"
    parquet = tmp_path / "published"
    publish(build_db, published, AS_OF, {}, parquet_root=parquet)

    def personal_columns(relation_of) -> list[tuple[str, str]]:
        with duckdb.connect() as con:
            return [
                (table, column)
                for table in ("dim_users", "dim_accounts")
                for column in con.sql(f"select * from {relation_of(table)} limit 0").columns
                if column in ("email", "tax_id")
            ]

    def in_db(table: str) -> str:
        return f"read_parquet('{parquet}/current/{table}.parquet')"

    assert personal_columns(in_db) == []
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select * from dim_users").fetchall() == [("U1", "Li Lei")]
        assert con.execute("select * from dim_accounts").fetchall() == [("A1",)]
    assert published.stat().st_mode & 0o777 == 0o640
    version_dir = (parquet / "current").resolve()
    assert version_dir.stat().st_mode & 0o777 == 0o750
    assert {p.stat().st_mode & 0o777 for p in version_dir.iterdir()} == {0o640}

    publish(build_db, published, AS_OF, {}, parquet_root=parquet, personal_data=True)
    assert personal_columns(in_db) == [("dim_users", "email"), ("dim_accounts", "tax_id")]
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select email from dim_users").fetchall() == [("li@example.com",)]
    # Back to the default: the column leaves again (the kept table is not carried over).
    publish(build_db, published, AS_OF, {}, parquet_root=parquet)
    with duckdb.connect(str(published), read_only=True) as con:
        assert "email" not in con.sql("select * from dim_users limit 0").columns


def test_the_pieces_after_the_swap_are_journaled_and_completed_by_the_next_run(
    build_db, tmp_path, monkeypatch
):
    """Statements, report and Parquet move with the published copy: publish records them
    before the swap, strikes Parquet off after its own swap, and what a killed run left is
    completed first by the next (publication/completion.py); a journal of a version that never
    swapped in is dropped."""
    from core.settings import Home
    from publication import completion, pending

    home = Home(tmp_path / "home")
    home.ensure()
    shutil.copy(build_db, home.build_db)
    publish(
        home.build_db,
        home.published_db,
        AS_OF,
        {},
        parquet_root=home.published_parquet,
        follow_ups=(pending.STATEMENTS, pending.REPORT),
    )
    assert pending.read(home.published_db) == pending.Pending(
        1, AS_OF, (pending.STATEMENTS, pending.REPORT)
    )
    calls = []
    monkeypatch.setattr(completion, "write_statements", lambda *a: calls.append(("s", *a)))
    monkeypatch.setattr(completion, "write_run_reports", lambda *a: calls.append(("r", *a)))
    # As if killed right after the database swap: Parquet still at nothing, then completed, in
    # the language the killed run was writing in.
    pending.begin(home.published_db, 1, AS_OF, (pending.PARQUET, pending.STATEMENTS), "zh")
    (home.published_parquet / "current").unlink()
    assert completion.complete_pending(home) == ["version 1: parquet", "version 1: statements"]
    assert calls == [("s", home.published_db, home.reports, "zh")]
    assert pending.read(home.published_db) is None
    current = home.published_parquet / "current"
    assert current.resolve().name == "v000001"
    with duckdb.connect() as con:
        count = con.execute(
            f"select count(*) from '{current}/scorecard_attainment.parquet'"
        ).fetchone()[0]
    assert count == 2
    # A journal for a version that never swapped in: the home is whole, the journal goes.
    pending.begin(home.published_db, 2, AS_OF, (pending.REPORT,))
    assert completion.complete_pending(home) == []
    assert pending.read(home.published_db) is None and len(calls) == 1


def test_every_published_table_and_column_carries_its_description(build_db, tmp_path):
    """Comments are what BI tools show beside a table and a column: each is the dbt project's
    description, for the marts and for the tables the publisher writes; the Parquet copies
    carry the same in their metadata."""
    published, root = tmp_path / "published.duckdb", tmp_path / "published"
    publication = publish(build_db, published, AS_OF, {}, parquet_root=root)
    with duckdb.connect(str(published), read_only=True) as con:
        [(catalog,)] = con.execute("select current_database()").fetchall()
        tables = dict(
            con.execute(
                "select table_name, comment from duckdb_tables() "
                "where database_name = ? and schema_name = 'main'",
                [catalog],
            ).fetchall()
        )
        assert set(tables) == PUBLISHED_NAMES | {
            "publication_log",
            "closed_months",
            "restatements",
            "scorecard_attainment_versions",
        }
        for table, comment in tables.items():
            assert comment == CATALOGUE.table(table).description != "", table
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where database_name = ? and schema_name = 'main'",
            [catalog],
        ).fetchall()
        for table, column, comment in columns:
            assert comment == CATALOGUE.table(table).columns[column] != "", (table, column)
        kv = dict(
            con.execute(
                "select decode(key), decode(value) from parquet_kv_metadata(?)",
                [str(publication.parquet_dir / "dim_users.parquet")],
            ).fetchall()
        )
    assert kv["description"] == CATALOGUE.table("dim_users").description
    assert json.loads(kv["column_descriptions"]) == {
        "user_id": CATALOGUE.table("dim_users").columns["user_id"]
    }
    assert catalog == "published"


def test_a_new_description_reaches_every_table_again(build_db, tmp_path):
    """Descriptions are part of the layout: an edited description is not left behind in a
    carried table's comment or a linked Parquet file."""
    published, root = tmp_path / "published.duckdb", tmp_path / "published"
    first = publish(build_db, published, AS_OF, {}, parquet_root=root)
    users = CATALOGUE.table("dim_users")
    edited = dataclasses.replace(
        CATALOGUE,
        tables=tuple(
            dataclasses.replace(table, description="Users, as described now.")
            if table is users
            else table
            for table in CATALOGUE.tables
        ),
    )
    second = publish_with(build_db, published, AS_OF, {}, catalogue=edited, parquet_root=root)
    assert linked(first.parquet_dir, second.parquet_dir) == set()
    assert second.table_hashes == first.table_hashes  # the same rows
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(
            "select comment from duckdb_tables() where table_name = 'dim_users'"
        ).fetchall() == [("Users, as described now.",)]
