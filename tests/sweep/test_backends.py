"""The three backends run the same task function and give identical results."""

from __future__ import annotations

import pickle

import pytest

from ftztwin.cli import main
from ftztwin.sweep import SweepError, make_backend, run_replications
from ftztwin.sweep.backends import DaskBackend, ProcessBackend, SerialBackend
from tests.sweep.conftest import same


@pytest.mark.slow
@pytest.mark.xdist_group("dask")
def test_serial_process_and_dask_backends_give_identical_kpis(tiny, dask_scheduler):
    reps = range(4)
    with SerialBackend() as b:
        serial = run_replications(tiny, reps, b)
    with ProcessBackend(2) as b:
        processes = run_replications(tiny, reps, b)
    with DaskBackend(scheduler=dask_scheduler) as b:
        dask = run_replications(tiny, reps, b)
    assert [r.replication for r in serial] == [0, 1, 2, 3]
    assert len({r.kpis["trucks_cleared"] for r in serial}) > 1  # replications differ
    assert same(serial, processes)
    assert same(serial, dask)


@pytest.mark.xdist_group("dask")
def test_dask_backend_connects_to_a_running_scheduler_and_counts_its_workers(dask_scheduler):
    with DaskBackend(scheduler=dask_scheduler) as b:
        assert b.workers == 2


def test_a_task_returns_a_small_kpi_summary_never_a_trace(tiny):
    with SerialBackend() as b:
        (result,) = run_replications(tiny, [0], b)
    assert all(isinstance(v, float) for v in result.kpis.values())
    assert len(pickle.dumps(result)) < 32_000


def test_results_come_back_ordered_by_replication_whatever_the_order_asked(tiny):
    with SerialBackend() as b:
        results = run_replications(tiny, [2, 0, 1], b)
    assert [r.replication for r in results] == [0, 1, 2]


def test_unknown_backend_is_a_user_error():
    with pytest.raises(SweepError, match="unknown backend"):
        make_backend("cloud")


def test_a_scheduler_address_needs_the_dask_backend():
    with pytest.raises(SweepError, match="needs --backend dask"):
        make_backend("processes", scheduler="tcp://127.0.0.1:8786")
    assert isinstance(make_backend("dask", scheduler="tcp://127.0.0.1:8786"), DaskBackend)


def test_cli_refuses_scheduler_with_processes_backend_with_exit_2(sweep_file, capsys):
    code = main(["sweep", str(sweep_file), "--backend", "processes", "--scheduler", "tcp://x:1"])
    assert code == 2
    assert "needs --backend dask" in capsys.readouterr().err
