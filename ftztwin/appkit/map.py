"""A map of the four zones that needs no internet: outlines, gates, roads, the Donghai Bridge.

The outlines, gate positions, roads and the Donghai Bridge (东海大桥) are approximate,
traced from public maps, and ship with the app (``ftz_zones.geo.json``, a few KB). The
map is a Vega-Lite chart (Altair) with a Mercator projection and no tile layer, drawn by
the Vega library Streamlit bundles: nothing is fetched from a tile server.

Load is drawn twice, with a legend for each: a zone's fill is the work waiting in it
(mean number waiting at its gates, field staff, inspection bays and scanners); a
resource's circle has the size of its utilisation and the colour of its mean wait. The
monitoring replay draws the same circles with the number waiting at the chosen moment.
"""

from __future__ import annotations

import itertools
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from ftz_spec import Scenario
from ftztwin.appkit.waits import KIND_LABELS

__all__ = ["FOCUS", "GEOJSON_PATH", "geojson", "map_chart", "resource_points", "zone_load"]

GEOJSON_PATH = Path(__file__).with_name("ftz_zones.geo.json")
# Views a planner picks from: the whole area, or one cluster of zones (lon/lat boxes).
FOCUS = {
    "All four zones 四个区域": (121.55, 30.58, 122.12, 31.40),
    "Waigaoqiao 外高桥": (121.57, 31.325, 121.65, 31.37),
    "Yangshan and Donghai Bridge 洋山与东海大桥": (121.88, 30.60, 122.11, 30.88),
    "Pudong airport 浦东机场": (121.76, 31.145, 121.80, 31.172),
}


def _clockwise(ring: list[list[float]]) -> list[list[float]]:
    """``ring`` wound clockwise, as Vega's d3-geo reads an outline's inside.

    GeoJSON (RFC 7946) winds outer rings anticlockwise; d3-geo takes an anticlockwise
    ring as everything *outside* it, which draws the whole globe and shrinks the map to
    a dot. So rings are rewound here, whichever way the file has them.
    """
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    return ring[::-1] if area > 0 else ring


def _rewind(geometry: dict[str, Any]) -> dict[str, Any]:
    if geometry["type"] == "Polygon":
        return {**geometry, "coordinates": [_clockwise(r) for r in geometry["coordinates"]]}
    if geometry["type"] == "MultiPolygon":
        polys = [[_clockwise(r) for r in poly] for poly in geometry["coordinates"]]
        return {**geometry, "coordinates": polys}
    return geometry


@cache
def geojson() -> dict[str, Any]:
    """The shipped outlines, gates, roads and bridge (rings wound for Vega's d3-geo)."""
    data: dict[str, Any] = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["geometry"] = _rewind(feature["geometry"])
    return data


def _features(kind: str) -> list[dict[str, Any]]:
    return [f for f in geojson()["features"] if f["properties"]["kind"] == kind]


def resource_points(scenario: Scenario, table: pd.DataFrame | None) -> pd.DataFrame:
    """Gates, inspection bays and scanners of ``scenario`` at their map positions.

    ``table`` is :func:`ftztwin.appkit.waits.wait_table` (or None before a run).
    A resource the shipped map has no position for is put at its zone's position from
    the scenario, and ``placed`` says so (never dropped).
    """
    known = {
        f["properties"]["ref"]: f for k in ("gate", "bays", "h986") for f in _features(k)
    }  # fmt: skip
    zone_pos = {z.id: (z.lon, z.lat) for z in scenario.site.zones}
    rows = []
    refs = [(f"{g.ref}/lanes", g.ref, "gate", g.zone) for g in scenario.site.gates]
    refs += [
        (f"{z.id}/inspection_bays", f"{z.id}/inspection_bays", "bays", z.id)
        for z in scenario.site.zones if z.inspection_bays
    ]  # fmt: skip
    refs += [
        (f"{zone}/h986", f"{zone}/h986", "h986", zone)
        for zone, n in sorted(scenario.levers.h986.items()) if n
    ]  # fmt: skip
    for res, ref, kind, zone in refs:
        feat = known.get(ref)
        if feat is not None:
            (lon, lat), name, placed = (
                feat["geometry"]["coordinates"],
                feat["properties"]["name"],
                "map",
            )
        else:
            lon, lat = zone_pos.get(zone, (math.nan, math.nan))
            name, placed = ref, "zone centre (no map position)"
        rows.append((res, ref, KIND_LABELS[kind], zone, name, float(lon), float(lat), placed))
    cols = ["resource", "ref", "kind", "zone", "name", "lon", "lat", "placed"]
    points = pd.DataFrame(rows, columns=cols)
    if table is not None:
        keep = ["resource", "utilisation", "wait_min_mean", "queue_len_mean"]
        points = points.merge(table[keep], on="resource", how="left")
    return points


def zone_load(table: pd.DataFrame | None) -> dict[str, float]:
    """Mean work waiting per zone (resources trucks wait for), from the wait table."""
    if table is None:
        return {}
    trucks = table[table["trucks_wait"]]
    return {str(k): float(v) for k, v in trucks.groupby("zone")["queue_len_mean"].sum().items()}


def _extent(focus: str) -> dict[str, Any]:
    x0, y0, x1, y1 = FOCUS[focus]
    ring = _clockwise([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])
    box = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return {"type": "FeatureCollection", "features": [box]}


def map_chart(
    scenario: Scenario,
    table: pd.DataFrame | None = None,
    focus: str = "All four zones 四个区域",
    replay: pd.DataFrame | None = None,
    replay_h: float | None = None,
) -> alt.LayerChart:
    """The map: zone outlines filled by load, roads, the bridge, resources sized by load.

    Args:
        scenario: Whose gates and scanners to draw.
        table: The wait table of a run (None: outlines and positions only).
        focus: A key of :data:`FOCUS`.
        replay: ``resource, waiting`` at one moment (the monitoring replay); replaces the
            run's averages on the circles.
        replay_h: The moment of ``replay``, for the title.
    """
    load = zone_load(table)
    zones = []
    for f in _features("zone"):
        props = dict(f["properties"])
        props["waiting"] = round(load.get(props["zone"], math.nan), 3) if load else None
        zones.append({**f, "properties": props})
    projection = {"type": "mercator", "fit": _extent(focus)}

    def geo(features: list[dict[str, Any]]) -> alt.Data:
        return alt.Data(values=features)

    has_load = bool(load)
    zone_tips = [
        alt.Tooltip("properties.name:N", title="Zone 区域"),
        alt.Tooltip("properties.note:N", title="Note"),
    ]
    if has_load:
        zone_tips.append(
            alt.Tooltip("properties.waiting:Q", title="Mean waiting 平均排队", format=".2f")
        )
    zone_layer = (
        alt.Chart(geo(zones))
        .mark_geoshape(stroke="#1f4e79", strokeWidth=1.2, opacity=0.75)
        .encode(
            color=(
                alt.Color(
                    "properties.waiting:Q",
                    title="Work waiting in the zone 区内排队 (mean)",
                    scale=alt.Scale(scheme="oranges", domainMin=0),
                )
                if has_load
                else alt.value("#c6dbef")
            ),
            tooltip=zone_tips,
        )
        .project(**projection)
    )
    roads = (
        alt.Chart(geo(_features("road")))
        .mark_geoshape(filled=False, stroke="#7f7f7f", strokeWidth=1.5, strokeDash=[4, 2])
        .encode(tooltip=[alt.Tooltip("properties.name:N", title="Road 道路")])
        .project(**projection)
    )
    bridge = (
        alt.Chart(geo(_features("bridge")))
        .mark_geoshape(filled=False, stroke="#08306b", strokeWidth=3)
        .encode(
            tooltip=[
                alt.Tooltip("properties.name:N", title="Bridge 桥"),
                alt.Tooltip("properties.note:N", title="Note"),
            ]
        )
        .project(**projection)
    )
    points = resource_points(scenario, table)
    if replay is not None:
        points = points.merge(replay, on="resource", how="left")
        points["waiting"] = points["waiting"].fillna(0.0)
        size = alt.Size("waiting:Q", title="Waiting now 当前排队", scale=alt.Scale(domainMin=0))
        colour = alt.Color("kind:N", title="Resource 资源")
    elif table is not None:
        points["utilisation"] = points["utilisation"].clip(0.0, 1.0)
        size = alt.Size(
            "utilisation:Q", title="Utilisation 利用率", scale=alt.Scale(domain=[0, 1]),
            legend=alt.Legend(format=".0%"),
        )  # fmt: skip
        colour = alt.Color(
            "wait_min_mean:Q", title="Mean wait 平均等待 (min)", scale=alt.Scale(scheme="reds")
        )
    else:
        size = alt.value(60)
        colour = alt.Color("kind:N", title="Resource 资源")
    tips = [alt.Tooltip("name:N", title="Name 名称"), alt.Tooltip("kind:N", title="Kind 类型")]
    for col, title, fmt in (
        ("utilisation", "Utilisation 利用率", ".0%"),
        ("wait_min_mean", "Mean wait 平均等待 (min)", ".1f"),
        ("queue_len_mean", "Mean waiting 平均排队", ".2f"),
        ("waiting", "Waiting now 当前排队", ".0f"),
    ):
        if col in points:
            tips.append(alt.Tooltip(f"{col}:Q", title=title, format=fmt))
    circles = (
        alt.Chart(points)
        .mark_circle(opacity=0.85, stroke="black", strokeWidth=0.5)
        .encode(longitude="lon:Q", latitude="lat:Q", size=size, color=colour, tooltip=tips)
        .project(**projection)
    )
    title = "Four zones 四个区域"
    if replay_h is not None:
        title += f" — replay at {replay_h:.2f} h 回放"
    elif table is not None:
        title += " — load over all replications 负荷"
    return (
        alt.layer(zone_layer, roads, bridge, circles)
        .resolve_scale(color="independent", size="independent")
        .properties(width="container", height=480, title=title)
    )
