"""The core stays pure: no I/O, no simulation, no clock, no global random module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN_IMPORTS = {
    "simpy", "mesa", "streamlit", "yaml", "sqlite3", "psycopg", "psycopg2", "socket",
    "socketserver", "asyncio", "http", "urllib", "requests", "paho", "aiomqtt", "pymodbus",
    "serial", "twin", "hardware_models", "ftztwin", "ftz_live", "ftz_stores", "ftz_spec", "app", "random",
    "time", "datetime", "os", "subprocess", "threading", "multiprocessing", "pandas",
    "matplotlib", "dask", "distributed",
}  # fmt: skip
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval"}

CORE_FILES = sorted((ROOT / "core").rglob("*.py"))


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_has_modules_to_check():
    assert len(CORE_FILES) >= 5


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_nothing_impure(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [n for n in _imports(tree) if n.split(".")[0] in FORBIDDEN_IMPORTS]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_calls_no_io_builtin(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in FORBIDDEN_CALLS
    ]
    assert calls == [], f"{path.relative_to(ROOT)} calls {calls}"


def test_boundary_check_catches_a_forbidden_import(tmp_path: Path):
    tree = ast.parse("import simpy\nfrom time import monotonic\nfrom core.gate import x\n")
    bad = [n for n in _imports(tree) if n.split(".")[0] in FORBIDDEN_IMPORTS]
    assert bad == ["simpy", "time"]


def test_importing_the_packages_starts_nothing():
    import subprocess
    import sys

    code = (
        "import threading, core, ftz_spec, hardware_models, ftz_stores, twin, ftz_live, ftztwin.cli;"
        "assert threading.active_count() == 1, threading.enumerate()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
