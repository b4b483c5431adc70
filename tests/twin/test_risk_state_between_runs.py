"""Point 10 in the twin: ``ftztwin run --risk-state DIR`` carries learning between runs."""

from __future__ import annotations

from pathlib import Path

from core.risk.persist import RiskState
from ftztwin.cli import main


def _run(scenario: Path, out: Path, *extra: str) -> bytes:
    args = ["run", str(scenario), "--out", str(out), "--seed", "5", "--replications", "1"]
    assert main([*args, "--workers", "1", *extra]) == 0
    return (out / "tiny" / "events_rep000.csv").read_bytes()


def _evidence(path: Path) -> float:
    """Observations the saved table has learned from, summed over its values."""
    return sum(n for _, _, _, n, _ in RiskState.from_json(path.read_text()).learned)


def test_a_second_run_starts_from_what_the_first_learned(
    write_yaml, minimal_yaml, tmp_path, capsys
) -> None:
    scenario = write_yaml("tiny.yaml", minimal_yaml)
    state = tmp_path / "risk"
    fresh = _run(scenario, tmp_path / "a")
    assert _run(scenario, tmp_path / "b", "--risk-state", str(state)) == fresh  # nothing yet
    files = sorted(p.name for p in state.iterdir())
    assert files == ["risk_rep000.json"]
    after_one = _evidence(state / "risk_rep000.json")
    assert after_one > 0
    second = _run(scenario, tmp_path / "c", "--risk-state", str(state))
    assert second != fresh  # the engine decided with what it had learned
    assert _evidence(state / "risk_rep000.json") > after_one


def test_a_state_learned_on_another_table_is_a_clear_error(
    write_yaml, minimal_yaml, tmp_path, capsys
) -> None:
    scenario = write_yaml("tiny.yaml", minimal_yaml)
    state = tmp_path / "risk"
    _run(scenario, tmp_path / "a", "--risk-state", str(state))
    path = state / "risk_rep000.json"
    path.write_text(path.read_text().replace('"table_version": "', '"table_version": "x'))
    code = main(
        [
            "run",
            str(scenario),
            "--out",
            str(tmp_path / "b"),
            "--replications",
            "1",
            "--workers",
            "1",
            "--risk-state",
            str(state),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "risk_rep000.json" in err and "table version" in err
