"""The analysis notebooks: stored without outputs, free of model logic, and they run."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

try:
    import nbclient
    import nbformat
except ImportError:  # pragma: no cover - the dev extra installs both
    if os.environ.get("CI") == "true":
        raise  # under CI the notebooks must run, never skip
    pytest.skip("nbclient/nbformat missing (pip install -e '.[dev]')", allow_module_level=True)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# A notebook analyses runs; the model lives in the packages, so none of these appear.
MODEL_MODULES = {"simpy", "mesa", "core", "hardware_models"}


def _code(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _execute(nb, cwd: Path):
    # "python3" resolves to the kernel spec ipykernel installs in the venv; jupyter_client
    # runs a spec whose command is "python" with sys.executable, i.e. this venv's python.
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    return client.execute()


def test_there_is_a_notebook_for_each_analysis_the_issue_names():
    names = " ".join(p.name for p in NOTEBOOKS)
    for topic in ("warmup", "replications", "reform_levers", "staffing_plan"):
        assert topic in names, names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_define_no_model_logic(path: Path):
    tree = ast.parse("\n".join(_code(path)))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert not imported & MODEL_MODULES, imported & MODEL_MODULES
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    assert "ftztwin" in imported or "twin" in imported


def test_the_notebook_kernel_runs_this_venvs_python(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys; print(sys.executable)")]
    out = _execute(nb, tmp_path)
    printed = out.cells[0].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_from_top_to_bottom(path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FTZTWIN_QUICK", "1")  # the kernel inherits it: tiny runs
    nb = nbformat.read(path, as_version=4)
    out = _execute(nb, path.parent)
    errors = [
        o for c in out.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
