"""The layers, as a contract over every import of the project's code (function-level ones too).

Each package imports only the packages below it, in the order the data travels:

    core < ingest < quality < publication < orchestration < planning < scorecards (the CLI)

and the sample generator (sample_exports) stands beside them, on core alone, used by the CLI.
docs/ARCHITECTURE.md draws the same picture; this test is what keeps it true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("core", "ingest", "quality", "publication", "orchestration", "planning", "scorecards")
# What each package may import of the project (itself included).
ALLOWED: dict[str, set[str]] = {
    package: set(ORDER[: index + 1]) for index, package in enumerate(ORDER)
}
ALLOWED["sample_exports"] = {"core", "sample_exports"}
ALLOWED["scorecards"].add("sample_exports")
PROJECT = set(ALLOWED)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, top-level project package) of every import in a module, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names]
    return [(line, top) for line, top in found if top in PROJECT]


def modules() -> list[Path]:
    return sorted(path for package in PROJECT for path in (ROOT / package).rglob("*.py"))


def test_every_package_of_the_project_has_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages == PROJECT


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_its_own_layer_and_those_below(path):
    package = path.relative_to(ROOT).parts[0]
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for line, top in imports_of(path)
        if top not in ALLOWED[package]
    ]
    assert not wrong, wrong


def test_the_contract_sees_a_function_level_import(tmp_path):
    """A violation hidden inside a function is still one."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from orchestration.definitions import defs\n")
    assert imports_of(module) == [(2, "orchestration")]


def test_no_private_dagster_name_is_imported():
    """Public APIs of Dagster and dagster-dbt only."""
    private = []
    for path in [*modules(), *sorted((ROOT / "tests").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            private += [
                f"{path.relative_to(ROOT)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in {"dagster", "dagster_dbt"}
                and any(part.startswith("_") for part in name.split(".")[1:])
            ]
    assert not private, private
