"""Where trucks wait, the map, experiments, and runs in worker processes shared by digest.

AppTest drives the Map & monitoring and Experiments pages as a planner does; the job
registry is exercised directly for what a page cannot show headless (the same bytes on
any number of workers, two requests joining one run, Stop ending the processes).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from ftz_spec import load_scenario
from ftztwin.appkit import experiments, waits
from ftztwin.appkit import map as zone_map
from ftztwin.appkit.jobs import Job, Registry
from ftztwin.appkit.runs import RunSettings, RunStore, run_scenario, start_run, with_run_settings
from tests.app.conftest import errors, goto
from tests.conftest import ROOT, SCENARIOS

EXPERIMENTS_LINE = (
    '    st.Page(HERE / "pages/experiments.py", title="Experiments 实验", icon="🧪"),\n'
)


def router(folder: Path) -> Path:
    """app.py with the Experiments page registered (the line the integrator adds)."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    if "pages/experiments.py" not in text:
        anchor = '    st.Page(HERE / "pages/downloads.py"'
        assert anchor in text, "app.py changed: update the router of these tests"
        text = text.replace(anchor, EXPERIMENTS_LINE + anchor)
    text = text.replace("HERE = Path(__file__).resolve().parent", f"HERE = Path({str(ROOT)!r})")
    out = folder / "app_with_experiments.py"
    out.write_text(text, encoding="utf-8")
    return out


def _short(scenario_dir: Path, horizon_h: float = 6.0, reps: int = 2):
    sc = load_scenario(scenario_dir / "reform_2014.yaml")
    return with_run_settings(sc, RunSettings(horizon_h, 1.0, reps))


@pytest.fixture
def registry():
    reg = Registry()
    yield reg
    reg.shutdown()


def _same_kpis(a, b) -> bool:
    def same(x: float, y: float) -> bool:
        return x == y or (math.isnan(x) and math.isnan(y))

    return all(
        list(ra.kpis) == list(rb.kpis) and all(map(same, ra.kpis.values(), rb.kpis.values()))
        for ra, rb in zip(a.results, b.results, strict=True)
    )


@pytest.mark.slow
def test_a_run_in_two_worker_processes_gives_the_bytes_of_a_run_in_the_server(
    scenario_dir, registry
):
    scenario = _short(scenario_dir)
    here = run_scenario(scenario)
    store = RunStore()
    job = start_run(store, scenario, workers=2, registry=registry)
    assert job.wait(120) and job.status == "done", job.error
    there = store.get(here.digest)
    assert there is not None
    assert there.events_csv == here.events_csv
    assert _same_kpis(here, there)
    assert there.summary.keys() == here.summary.keys()


@pytest.mark.slow
def test_a_second_request_for_the_same_digest_joins_the_run_in_progress(scenario_dir, registry):
    scenario = _short(scenario_dir)
    store = RunStore()
    first = start_run(store, scenario, workers=1, registry=registry)
    second = start_run(store, scenario, workers=2, registry=registry)
    assert second is first  # one job, however many tabs ask
    assert first.joined == 1 and "shared by 2 requests" in first.progress_text()
    assert len(registry.running()) <= 1
    assert first.wait(120) and first.status == "done"
    assert len(store) == 1


@pytest.mark.slow
def test_stop_ends_the_worker_processes_and_forgets_the_run(scenario_dir, registry):
    scenario = _short(scenario_dir, horizon_h=168.0, reps=2)  # far longer than the test
    job = start_run(RunStore(), scenario, workers=2, registry=registry)
    while job._pool is None and job.status == "running":
        job.wait(0.1)
    pool = job._pool
    stopped = registry.stop(job.key)
    assert stopped is job and job.status == "stopped"
    assert pool is not None and pool.alive() == 0
    assert registry.get(job.key) is None  # no tab finds a run to show progress for
    assert job.result is None


def test_the_time_left_is_unknown_until_work_is_done_and_zero_once_ended():
    job = Job("k", "label", total=100.0, workers=1)
    assert math.isnan(job.eta_s())
    assert "estimating time left" in job.progress_text()
    job.advance(10.0)
    job.advance(40.0)
    assert job.share == 0.5
    assert job.eta_s() >= 0.0
    assert "50%" in job.progress_text()
    job.advance(500.0)
    assert job.share == 1.0  # never past the whole
    job.status = "done"
    assert job.eta_s() == 0.0


@pytest.fixture(scope="module")
def short_run():
    sc = with_run_settings(load_scenario(SCENARIOS / "reform_2014.yaml"), RunSettings(6, 1, 2))
    return run_scenario(sc)


def test_every_gate_staff_pool_bay_and_scanner_is_listed_with_its_waits(short_run):
    sc = short_run.scenario
    table = waits.wait_table(short_run.summary, sc)
    listed = set(table["resource"])
    assert {f"{g.ref}/lanes" for g in sc.site.gates} <= listed
    assert {f"staff/{p.id}" for p in sc.site.staff_pools} <= listed
    assert {f"{z.id}/inspection_bays" for z in sc.site.zones if z.inspection_bays} <= listed
    assert {f"{z}/h986" for z, n in sc.levers.h986.items() if n} <= listed
    measured = table.dropna(subset=["queue_len_mean"])
    assert (measured["replications"] == 2).all()
    # A resource the twin reports nothing for shows NaN and 0 replications, never a zero.
    unmeasured = table[table["queue_len_mean"].isna()]
    assert (unmeasured["replications"] == 0).all()
    assert (measured["queue_len_low"] <= measured["queue_len_mean"]).all()


def test_the_bottleneck_is_where_most_trucks_wait_and_never_office_work(short_run):
    table = waits.wait_table(short_run.summary, short_run.scenario)
    worst = waits.bottleneck(table)
    assert worst is not None
    trucks = table[table["trucks_wait"]]
    assert worst.queue_len_mean == pytest.approx(trucks["queue_len_mean"].max())
    assert worst.resource in set(trucks["resource"])
    assert not worst.resource.startswith(("staff/risk", "staff/support", "staff/it"))
    assert worst.label in worst.sentence() and "瓶颈" in worst.sentence()
    assert 0.0 < worst.share_of_waiting <= 1.0


def test_queues_over_time_are_never_negative_and_cover_every_waited_resource(short_run):
    ev = short_run.events
    queues = waits.queue_series(ev)
    waited = set(ev.loc[ev["lifecycle"] == "WAIT_START", "resource"])
    assert set(queues.columns) == waited
    assert (queues.fillna(0.0) >= 0.0).all().all()
    delays = waits.wait_series(ev)
    ended = delays.stack().dropna()
    assert len(ended) > 0 and (ended >= 0.0).all()
    now = waits.waiting_at(ev, 3.0)
    assert (now["waiting"] >= 0).all()


def test_the_flow_view_counts_every_truck_once_at_each_stage(short_run):
    ev = short_run.events
    links = waits.flow_links(ev)
    started = ev[(ev["activity"] == "clearance") & (ev["lifecycle"] == "START")]
    trucks = started["case_id"].nunique()
    assert links.loc[links["stage"] == 1, "trucks"].sum() == trucks
    assert links.loc[links["stage"] == 2, "trucks"].sum() == trucks


def _km(a: list[float], b: list[float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_the_shipped_map_has_every_zone_gate_and_a_donghai_bridge_of_about_its_length():
    sc = load_scenario(SCENARIOS / "reform_2014.yaml")
    feats = zone_map.geojson()["features"]
    outlined = {f["properties"]["zone"] for f in feats if f["properties"]["kind"] == "zone"}
    assert outlined == {z.id for z in sc.site.zones}
    points = zone_map.resource_points(sc, None)
    assert (points["placed"] == "map").all(), points[points["placed"] != "map"]
    (bridge,) = [f for f in feats if f["properties"]["kind"] == "bridge"]
    line = bridge["geometry"]["coordinates"]
    length = sum(_km(a, b) for a, b in itertools.pairwise(line))
    assert 25.0 <= length <= 40.0  # 32.5 km by the published figure
    luchao = next(p for p in sc.site.places if p.id == "luchao")
    assert _km(line[0], [luchao.lon, luchao.lat]) < 3.0
    assert zone_map.GEOJSON_PATH.stat().st_size < 50_000


def test_the_map_has_legends_for_load_and_no_tile_layer(short_run):
    table = waits.wait_table(short_run.summary, short_run.scenario)
    spec = zone_map.map_chart(short_run.scenario, table).to_dict()
    text = str(spec)
    assert "Utilisation 利用率" in text and "Mean wait 平均等待 (min)" in text
    assert "Work waiting in the zone" in text

    # Everything drawn is inline: no data URL and no tile source to fetch (the only
    # address in the spec is the Vega-Lite schema's name).
    def urls(node) -> list[str]:
        if isinstance(node, dict):
            own = [str(v) for k, v in node.items() if k in ("url", "tiles", "tileUrl")]
            return own + [u for v in node.values() for u in urls(v)]
        if isinstance(node, list):
            return [u for v in node for u in urls(v)]
        return []

    assert urls(spec) == []
    assert text.count("http") == 1 and "vega.github.io/schema" in spec["$schema"]


# --- the pages, as a planner uses them ---------------------------------------------------


def frame_with(at, *columns: str):
    """The page's data frame that has all of ``columns`` (AppTest finds frames by position)."""
    found = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _run_first(app):
    goto(app, "run")
    app.button(key="run_button").click().run()
    assert not app.exception, app.exception
    assert app.session_state["run.last"] is not None


@pytest.mark.slow
def test_the_monitoring_page_names_the_bottleneck_and_charts_every_kind_of_resource(app):
    _run_first(app)
    goto(app, "monitoring")
    assert not errors(app)
    named = [m.value for m in app.markdown if m.value.startswith("Bottleneck 瓶颈")]
    assert len(named) == 1
    table = frame_with(app, "kind", "zone_name", "queue_len_mean")
    assert set(table["kind"]) == set(waits.KIND_LABELS)
    assert any(label in named[0] for label in table["label"])
    charts = app.get("vega_lite_chart")
    assert len(charts) >= 2  # the map with the run's load, the replay map, the series
    flow = frame_with(app, "stage", "source", "target")
    assert (
        flow.loc[flow["stage"] == 1, "trucks"].sum() == flow.loc[flow["stage"] == 2, "trucks"].sum()
    )
    # Only gates: the table and charts follow the choice, the bottleneck line stays.
    app.multiselect(key="mon_kinds").set_value(["gate"]).run()
    assert set(frame_with(app, "kind", "zone_name", "queue_len_mean")["kind"]) == {"gate"}


@pytest.mark.slow
def test_the_replay_on_the_map_follows_the_time_slider(app):
    _run_first(app)
    goto(app, "monitoring")
    app.slider[0].set_value(0.0).run()
    waiting = next(m for m in app.metric if m.label.startswith("Work waiting"))
    assert waiting.value == "0"
    app.slider[0].set_value(3.0).run()
    assert not app.exception
    app.radio(key="mon_focus").set_value("Yangshan and Donghai Bridge 洋山与东海大桥").run()
    assert not app.exception


@pytest.fixture
def lab(scenario_dir, tmp_path):
    """The app with the Experiments page registered, on the Experiments page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(router(tmp_path)), default_timeout=240).run()
    at.switch_page(str(ROOT / "pages/experiments.py")).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_a_grid_sweep_on_the_experiments_page_gives_every_point_with_bounded_intervals(lab):
    lab.number_input(key="w:run.horizon_h").set_value(4.0).run()
    lab.number_input(key="w:run.warmup_h").set_value(1.0).run()
    lab.number_input(key="lv:site.staff_pools[id=insp_ys].count").set_value(2).run()
    lab.button(key="exp_run").click().run()
    assert not lab.exception and not errors(lab), errors(lab)
    rows = frame_with(lab, "point", "kpi", "ci95_low")
    path = "site.staff_pools[id=insp_ys].count"
    assert rows[path].nunique() == 2
    assert len(rows) == 2 * rows["kpi"].nunique()
    share = rows[rows["kpi"] == "unfinished_share"]
    assert ((share["ci95_low"] >= 0.0) & (share["ci95_high"] <= 1.0)).all()
    rate = rows[rows["kpi"] == "inspection_rate"]
    assert ((rate["ci95_low"] >= 0.0) & (rate["ci95_high"] <= 1.0)).all()
    assert (rows["replications"] == 2).all()
    assert len(lab.get("vega_lite_chart")) >= 2  # response surface, staff against service
    assert any(b.label.startswith("Download the sweep") for b in lab.get("download_button"))
    # Asked again, the same sweep answers from the cache: the same table, no job started.
    lab.button(key="exp_run").click().run()
    assert frame_with(lab, "point", "kpi", "ci95_low").equals(rows)
    assert not experiments.REGISTRY.running()


@pytest.mark.slow
def test_a_sweep_without_a_lever_cannot_be_run(lab):
    lab.multiselect(key="exp_levers").set_value([]).run()
    assert lab.button(key="exp_run").disabled
    assert not lab.exception
