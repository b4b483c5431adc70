"""``ftztwin ledger-pass``: register a pass as customs sends it, through the installed command.

Run from a foreign folder with no PYTHONPATH, against a SQLite ledger that a gate then
uses: the registered pass opens once, its state shows it, and bad files name the file,
the field path and the value with exit code 2 and no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.ledger import Ledger, Movement, MovementKind, Refusal
from ftz_stores.sqlite import SqliteStore
from tests.ledger.conftest import open_books
from tests.ledger.helpers import ACC, GATE, YANGSHAN_GATE, blist

FTZTWIN = Path(sys.executable).with_name("ftztwin")
PASS = """\
pass_id: HF2201000001
plate: 沪A12345
items:
  - {list_id: L1, item_no: 1, quantity: "10"}
"""


def ftztwin(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(FTZTWIN), "ledger-pass", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    led = open_books(Ledger(SqliteStore(tmp_path / "ledger.sqlite")))
    led.post(Movement("s", ACC.account_id, 1, MovementKind.IN, Decimal(100), "PCE", GATE), 0.5)
    led.declare_list(blist(qty="10"), 1.0)
    led.pre_write_off("L1", 1.0)
    led.store.close()
    return tmp_path


def test_a_registered_pass_opens_once_and_its_state_shows_it(folder: Path) -> None:
    (folder / "pass.yaml").write_text(PASS, encoding="utf-8")
    store = "--store", "sqlite:ledger.sqlite"
    done = ftztwin(folder, "register", "pass.yaml", *store)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "HF2201000001: applied, approved"
    assert (
        ftztwin(folder, "register", "pass.yaml", *store)
        .stdout.strip()
        .endswith("duplicate, approved")
    )
    led = Ledger(SqliteStore(folder / "ledger.sqlite"))
    r = led.passes.reserve_pass("HF2201000001", "lane1#1", "沪A12345", YANGSHAN_GATE, 2.0)
    pending = ftztwin(folder, "pending", *store).stdout.splitlines()
    assert [json.loads(x)["passage_id"] for x in pending] == ["lane1#1"]
    led.passes.post_pass("lane1#1", 3.0)
    again = led.passes.reserve_pass("HF2201000001", "lane2#1", "沪A12345", YANGSHAN_GATE, 4.0)
    assert not isinstance(r, Refusal) and isinstance(again, Refusal)
    led.store.close()
    shown = json.loads(ftztwin(folder, "show", "HF2201000001", *store).stdout)
    assert shown["state"] == "PASSED" and [u["passage_id"] for u in shown["uses"]] == ["lane1#1"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (PASS.replace("plate: 沪A12345\n", ""), "pass.yaml: plate: Field required"),
        (PASS.replace('quantity: "10"', "quantity: ten"), "pass.yaml: items.0.quantity"),
        (PASS.replace('quantity: "10"', 'quantity: "-1"'), "must be an exact number > 0"),
        (PASS + "colour: red\n", "pass.yaml: colour: Extra inputs are not permitted (got 'red')"),
        (PASS.replace("list_id: L1", "list_id: L404"), "pass.yaml: unknown list 'L404'"),
        (PASS.replace('"10"', '"11"'), "pass.yaml: bonded list 'L1' line 1: bound quantity 11"),
        ("[1, 2", "pass.yaml: not YAML or JSON"),
    ],
)
def test_a_bad_pass_file_names_the_file_the_field_and_the_value(
    folder: Path, text: str, named: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from ftztwin.cli import main

    monkeypatch.chdir(folder)
    (folder / "pass.yaml").write_text(text, encoding="utf-8")
    assert main(["ledger-pass", "register", "pass.yaml", "--store", "sqlite:ledger.sqlite"]) == 2
    assert named in capsys.readouterr().err


def test_bad_input_through_the_installed_command_exits_2_without_a_traceback(
    folder: Path,
) -> None:
    (folder / "pass.yaml").write_text(PASS + "colour: red\n", encoding="utf-8")
    done = ftztwin(folder, "register", "pass.yaml", "--store", "sqlite:ledger.sqlite")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pass.yaml: colour: Extra inputs are not permitted (got 'red')" in done.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["pending", "--store", "memory:"], "memory: would be gone"),
        (["pending", "--store", "mysql://x"], "expected memory:"),
        (["show", "NOPE", "--store", "sqlite:ledger.sqlite"], "not registered"),
    ],
)
def test_a_store_or_pass_that_cannot_be_used_is_a_clear_error(
    folder: Path, args: list[str], named: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from ftztwin.cli import main

    monkeypatch.chdir(folder)
    assert main(["ledger-pass", *args]) == 2
    assert named in capsys.readouterr().err
