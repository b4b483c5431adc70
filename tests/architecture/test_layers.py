"""The README's layout table is a contract: import-linter checks it, these tests check the checker.

``make test`` runs ``lint-imports`` on the real tree. Here the same contracts are run on a
copy with one upward arrow added, so a contract that silently stopped covering a layer
(a renamed package, a typo in pyproject) fails the suite instead of passing forever.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("core", "ftz_spec", "hardware_models", "ftz_stores", "twin", "ftz_live", "ftztwin")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def _copy_tree(dest: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contracts_hold_on_the_tree():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("core/gate/plates.py", "import twin.model"),
        ("core/risk/table.py", "import ftz_spec"),
        ("hardware_models/ports.py", "import ftz_stores"),
        ("ftz_stores/memory.py", "import hardware_models"),
        ("ftz_spec/base.py", "import twin"),
        ("twin/kpi.py", "import ftz_live.service"),
        ("ftz_live/clock.py", "import twin.kpi"),
        ("twin/rng.py", "import ftztwin.cli"),
        ("ftz_live/logs.py", "import ftztwin"),
        ("core/trace.py", "import simpy"),
    ],
)
def test_an_upward_or_sideways_arrow_breaks_a_contract(tmp_path, module, upward):
    tree = _copy_tree(tmp_path)
    target = tree / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{upward}  # noqa\n")
    done = _lint(tree)
    assert done.returncode != 0, f"{module}: '{upward}' was not caught\n{done.stdout}"
    assert "BROKEN" in done.stdout


@pytest.mark.parametrize("package", ["twin", "ftz_live"])
def test_the_composition_roots_never_import_the_edge_package(package):
    offenders = {
        str(p.relative_to(ROOT)): [n for n in _imports(p) if n.split(".")[0] == "ftztwin"]
        for p in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


APP_SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
PROJECT = {*PACKAGES, "pages", "app", "tests", "benchmarks"}


@pytest.mark.parametrize("path", APP_SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_app_pages_import_only_the_app_kit(path):
    ours = [n for n in _imports(path) if n.split(".")[0] in PROJECT]
    assert all(n == "ftztwin.appkit" or n.startswith("ftztwin.appkit.") for n in ours), ours
