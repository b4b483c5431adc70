"""The install is the one the lock describes, under import names that are ours alone.

A top-level import name that another distribution, a worker's scratch folder or a user's
folder may also hold gets shadowed (a Dask worker's ``storage/`` folder once replaced the
ledger stores). The lock pins what the suite passed with; ``make`` installs from it.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Names a scratch folder, a data folder or another project commonly uses at top level.
COMMON_FOLDER_NAMES = {
    "storage", "live", "data", "src", "lib", "app", "utils", "common", "config", "conf",
    "models", "scenario", "scenarios", "spec", "runtime", "service", "tests", "test", "docs",
    "tools", "scripts", "notebooks", "out", "output", "tmp", "cache", "sim", "gate", "ledger",
}  # fmt: skip
CARD_PACKAGES = {"core", "twin", "hardware_models"}  # the product card names these folders


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {
        canonicalize_name(m[1]): m[2]
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", text, re.M)
    }


def _top_level_packages() -> set[str]:
    found = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.rstrip("*") for pattern in found}


def test_every_top_level_package_is_provided_by_this_distribution_only():
    providers = md.packages_distributions()
    for name in _top_level_packages():
        assert set(providers.get(name, ())) == {"ftz-twin"}, (name, providers.get(name))


def test_no_top_level_package_has_a_common_folder_name():
    clashes = (_top_level_packages() - CARD_PACKAGES) & COMMON_FOLDER_NAMES
    assert clashes == set()


def test_the_installed_versions_are_the_locked_ones():
    wrong = {}
    for name, version in _pins("dev.lock").items():
        try:
            installed = md.version(name)
        except md.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert wrong == {}


def test_the_base_lock_agrees_with_the_dev_lock_on_every_version():
    base, dev = _pins("base.lock"), _pins("dev.lock")
    assert base.keys() <= dev.keys()
    assert {n: v for n, v in base.items() if dev[n] != v} == {}


def test_the_locks_satisfy_the_ranges_in_pyproject():
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    dev = _pins("dev.lock")
    for spec in wanted:
        req = Requirement(spec)
        pinned = dev.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not in the lock"
        assert req.specifier.contains(pinned, prereleases=True), (spec, pinned)


def test_every_locked_package_carries_a_hash():
    for lock in ("base.lock", "dev.lock"):
        text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text.split("\n", 2)[2])
        assert blocks and all("--hash=sha256:" in b for b in blocks if "==" in b), lock


def _make_dry_run(*args: str) -> str:
    import subprocess

    out = subprocess.run(
        ["make", "-n", *args, ".venv/.stamp-base"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_venv_made_by_another_interpreter_is_made_anew():
    plan = _make_dry_run("PYTHON=/opt/other/python3.11")
    assert "rm -rf .venv" in plan and "/opt/other/python3.11 -m venv .venv" in plan


def test_the_venv_under_test_was_made_by_the_interpreter_make_picks():
    # make picks Debian's optimised python3.11 where it can make a venv (issue 19); the
    # suite runs in the venv make built, so a dry run has nothing to rebuild.
    assert "-m venv" not in _make_dry_run()
