import pytest

from scorecards.cli import EXIT_USAGE, main
from tests.conftest import write


def test_bad_as_of_is_a_usage_error(tmp_path, capsys, landing):
    write(landing, "crm/teams.csv", "team_id,team_name,region\nT1,One,north\n")
    assert main(["run", "--home", str(tmp_path), "--as-of", "2026-13-01"]) == EXIT_USAGE
    assert "--as-of must be a date as YYYY-MM-DD" in capsys.readouterr().err


def test_an_unknown_language_is_a_usage_error_before_any_work(tmp_path, capsys, landing):
    write(landing, "crm/teams.csv", "team_id,team_name,region\nT1,One,north\n")
    assert main(["run", "--home", str(tmp_path), "--lang", "fr"]) == EXIT_USAGE
    assert "--lang='fr' is not a language of the catalogue: use one of en, zh" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "warehouse" / "build.duckdb").exists()


def test_run_without_exports_says_so(tmp_path, capsys):
    assert main(["run", "--home", str(tmp_path)]) == EXIT_USAGE
    assert "no exports under" in capsys.readouterr().err


def test_sample_refuses_to_overwrite_exports(tmp_path, capsys, landing):
    write(landing, "crm/teams.csv", "team_id,team_name,region\n")
    assert main(["sample", "--home", str(tmp_path)]) == EXIT_USAGE
    assert "--force" in capsys.readouterr().err


def test_status_when_nothing_is_published(tmp_path, capsys):
    assert main(["status", "--home", str(tmp_path)]) == 0
    assert "nothing published yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["sample", "--start", "2026-13"], ["sample", "--reps", "0"], ["run", "--bogus"], ["nothing"]],
)
def test_bad_options_exit_with_the_usage_code_not_the_gate_s(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == EXIT_USAGE == 1  # argparse's own 2 is the blocked gate's code
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--base-currency", "YUAN", "three-letter ISO code"),
        ("--fiscal-year-start-month", "13", "fiscal year start month must be 1-12"),
        ("--fiscal-year-start-month", "April", "fiscal year start month must be 1-12"),
        ("--engine", "postgres", "engine must be one of duckdb, spark"),
    ],
)
def test_bad_settings_are_usage_errors(tmp_path, capsys, landing, option, value, message):
    write(landing, "crm/teams.csv", "team_id,team_name,region\nT1,One,north\n")
    assert main(["run", "--home", str(tmp_path), option, value]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_bad_gate_setting_and_bad_close_month_are_usage_errors(tmp_path, monkeypatch, capsys):
    from scorecards.cli import main

    (tmp_path / "landing" / "crm").mkdir(parents=True)
    (tmp_path / "landing" / "crm" / "teams.csv").write_text("team_id\n")
    monkeypatch.setenv("SCORECARDS_MAX_UNASSIGNED_SHARE", "lots")
    assert main(["run", "--home", str(tmp_path)]) == 1
    assert "max unassigned share" in capsys.readouterr().err
    monkeypatch.delenv("SCORECARDS_MAX_UNASSIGNED_SHARE")
    monkeypatch.setenv("SCORECARDS_DUCKDB_MEMORY_LIMIT", "all of it")
    assert main(["run", "--home", str(tmp_path)]) == 1
    assert "DuckDB memory limit must look like 4GB" in capsys.readouterr().err
    monkeypatch.delenv("SCORECARDS_DUCKDB_MEMORY_LIMIT")
    assert main(["close", "--month", "2026-2", "--home", str(tmp_path)]) == 1
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["close", "--month", "2026-02", "--home", str(tmp_path)]) == 1
    assert "nothing is published" in capsys.readouterr().err


def test_a_month_outside_the_partitions_is_a_usage_error(tmp_path, capsys, landing):
    from orchestration.partitions import MONTHLY_PARTITIONS

    write(landing, "crm/teams.csv", "team_id,team_name,region\nT1,One,north\n")
    assert main(["run", "--home", str(tmp_path), "--month", "1999-01"]) == EXIT_USAGE
    first = MONTHLY_PARTITIONS.get_first_partition_key()
    err = capsys.readouterr().err
    assert f"1999-01 is not a monthly partition (they run from {first}" in err
    assert "SCORECARDS_FIRST_MONTH=YYYY-MM starts them earlier" in err
    with pytest.raises(SystemExit) as exc:
        main(["run", "--home", str(tmp_path), "--month", "2026-13"])
    assert exc.value.code == EXIT_USAGE
    assert not (tmp_path / "warehouse" / "published.duckdb").exists()


def test_the_readme_exit_code_table_is_the_cli_s():
    """README's table of exit codes names exactly the codes the CLI returns, each once; the
    behaviour behind each is tested where it arises (test_gate: 2, test_faults and
    test_faults_named: 3, test_runlock: 4)."""
    import re
    from pathlib import Path

    from scorecards import cli

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| ([^|]+) \|", readme, flags=re.MULTILINE)
    table = {int(code): meaning.strip() for code, meaning in rows}
    assert table.keys() == {
        cli.EXIT_OK,
        cli.EXIT_USAGE,
        cli.EXIT_BLOCKED,
        cli.EXIT_FAILED,
        cli.EXIT_LOCKED,
    }
    assert table[cli.EXIT_BLOCKED].startswith("the gate blocked")
    assert table[cli.EXIT_FAILED].startswith("a fault stopped the run")
    assert table[cli.EXIT_LOCKED] == "another run holds the home"


def test_help_names_every_setting_s_environment_variable(capsys):
    """Each *_ENV setting of the settings and the export contract is in --help."""
    from core import settings
    from ingest import contract

    names = {
        value
        for module in (settings, contract)
        for name, value in vars(module).items()
        if name.endswith("_ENV")
    }
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    shown = capsys.readouterr().out
    assert len(names) >= 12
    assert [name for name in sorted(names) if name not in shown] == []
    assert "Exit codes: 0 success" in shown


def test_version_and_python_dash_m():
    import subprocess
    import sys
    from importlib import metadata

    version = metadata.version("sales-scorecards")
    shown = subprocess.run(
        [sys.executable, "-m", "scorecards", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"scorecards {version}"
    usage = subprocess.run(
        [sys.executable, "-m", "scorecards", "run", "--bogus"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert usage.returncode == 1 and "unrecognized arguments: --bogus" in usage.stderr


def test_an_unexpected_error_in_the_run_is_a_failed_run_not_a_usage_error(
    tmp_path, capsys, landing, monkeypatch
):
    """A ValueError deep in the run (a JSON file cut short) once exited 1 as if the command
    were mistyped: any error but a bad --month is the run's (exit 3, the cause named)."""
    import scorecards.runner

    def cut_short(*args, **kwargs):
        raise ValueError("unexpected end of data: line 1 column 356916 (char 356915)")

    write(landing, "crm/teams.csv", "team_id,team_name,region\nT1,One,north\n")
    monkeypatch.setattr(scorecards.runner, "run_pipeline", cut_short)
    assert main(["run", "--home", str(tmp_path), "--as-of", "2026-03-10"]) == 3
    err = capsys.readouterr().err
    assert "RUN FAILED: ValueError: unexpected end of data" in err
    assert "nothing was published" in err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--reps", "12", "--months", "2"], "no month end on a sample of fewer than three months"),
        (["--reps", "3", "--no-story"], "wrote "),
        (["--reps", "3", "--scale", "small", "--no-story"], "wrote "),
    ],
)
def test_sample_without_its_month_end_writes_exports_only(tmp_path, capsys, argv, said):
    """Only the bundled sample plays its month end (a first run, a close); asked not to, or too
    short for one, `scorecards sample` writes the exports and publishes nothing."""
    home = tmp_path / "home"
    assert main(["sample", "--home", str(home), *argv]) == 0
    assert said in capsys.readouterr().out
    assert (home / "landing" / "erp" / "invoices.csv").exists()
    assert not list((home / "landing" / "erp").glob("*corrections*"))
    assert not (home / "warehouse" / "published.duckdb").exists()


def test_a_sample_too_small_for_its_invoices_is_a_usage_error(tmp_path, capsys):
    assert main(["sample", "--home", str(tmp_path), "--reps", "6", "--months", "2"]) == EXIT_USAGE
    assert "needs at least two (for its credit note and void invoice)" in capsys.readouterr().err
