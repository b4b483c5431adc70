"""The site as a networkx graph: zones, outside places, gates, inspection resources, roads.

Nodes carry a ``kind`` (zone, place, gate, h986, inspection_area, doc_desk) and map
coordinates; road edges carry ``km`` and ``minutes``. Routes are shortest paths by travel
time, so a transfer from Yangshan to Waigaoqiao runs over the Donghai Bridge.
"""

from __future__ import annotations

import textwrap
from typing import Any

import networkx as nx

from ftz_spec import Scenario

__all__ = ["build_topology", "draw_map", "route", "travel_time_min"]


def _latin(text: str) -> str:
    """The Latin part of a bilingual name, wrapped: figure fonts may lack CJK glyphs."""
    words = [w for w in text.split() if w.isascii() and not w.startswith("(")]
    return textwrap.fill(" ".join(words), 18) or text


def build_topology(scenario: Scenario) -> nx.Graph:
    """Return the site graph of ``scenario``."""
    site, levers = scenario.site, scenario.levers
    g = nx.Graph()
    for z in site.zones:
        g.add_node(z.id, kind="zone", name=z.name, lat=z.lat, lon=z.lon)
        g.add_node(
            f"{z.id}/inspection",
            kind="inspection_area",
            bays=z.inspection_bays,
            lat=z.lat,
            lon=z.lon,
        )
        g.add_edge(z.id, f"{z.id}/inspection", km=0.5, minutes=2.0, internal=True)
        h986 = levers.h986.get(z.id, 0)
        if h986:
            g.add_node(f"{z.id}/h986", kind="h986", count=h986, lat=z.lat, lon=z.lon)
            g.add_edge(z.id, f"{z.id}/h986", km=0.3, minutes=1.0, internal=True)
    for p in site.places:
        g.add_node(p.id, kind="place", name=p.name, place_kind=p.kind, lat=p.lat, lon=p.lon)
    for gate in site.gates:
        zone = g.nodes[gate.zone]
        g.add_node(
            gate.ref,
            kind="gate",
            line=gate.line,
            lanes=gate.lanes,
            lat=zone["lat"],
            lon=zone["lon"],
        )
        g.add_edge(gate.zone, gate.ref, km=0.2, minutes=1.0, internal=True)
    for road in site.roads:
        minutes = road.km / road.speed_kmh * 60.0
        g.add_edge(road.a, road.b, km=road.km, minutes=minutes, name=road.name, internal=False)
    return g


def route(g: nx.Graph, a: str, b: str) -> list[str]:
    """Return the fastest node path from ``a`` to ``b``.

    Raises:
        networkx.NetworkXNoPath: There is no road between them.
    """
    return list(nx.shortest_path(g, a, b, weight="minutes"))


def travel_time_min(g: nx.Graph, a: str, b: str) -> float:
    """Return the driving time in minutes from ``a`` to ``b`` along roads only."""
    roads = g.edge_subgraph([(u, v) for u, v, d in g.edges(data=True) if not d.get("internal")])
    if a not in roads or b not in roads:
        return 0.0 if a == b else float("inf")
    return float(nx.shortest_path_length(roads, a, b, weight="minutes"))


def draw_map(g: nx.Graph, load: dict[str, float] | None = None, ax: Any = None) -> Any:
    """Draw zones, places and roads at their coordinates; ``load`` sizes gate markers.

    Returns:
        The matplotlib Axes drawn on.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    pos = {n: (d["lon"], d["lat"]) for n, d in g.nodes(data=True)}
    roads = [(u, v) for u, v, d in g.edges(data=True) if not d.get("internal")]
    nx.draw_networkx_edges(g, pos, edgelist=roads, ax=ax, edge_color="#888", width=2)
    zones = [n for n, d in g.nodes(data=True) if d["kind"] == "zone"]
    places = [n for n, d in g.nodes(data=True) if d["kind"] == "place"]
    nx.draw_networkx_nodes(g, pos, nodelist=zones, ax=ax, node_color="#c0392b", node_size=500)
    nx.draw_networkx_nodes(
        g, pos, nodelist=places, ax=ax, node_color="#2c3e50", node_size=120, node_shape="s"
    )
    if load:
        for node, value in load.items():
            if node in pos:
                ax.scatter(*pos[node], s=200 + 2000 * min(value, 1.0), alpha=0.35, color="#e67e22")
    # Zones are labelled above their marker and places below, so neighbours stay legible.
    for n in zones:
        ax.annotate(_latin(g.nodes[n]["name"]), pos[n], xytext=(0, 12), textcoords="offset points",
                    ha="center", fontsize=8, weight="bold")  # fmt: skip
    for n in places:
        ax.annotate(_latin(g.nodes[n]["name"]), pos[n], xytext=(0, -16), textcoords="offset points",
                    ha="center", fontsize=7, color="#2c3e50")  # fmt: skip
    for u, v in roads:
        name = g.edges[u, v].get("name")
        if name:
            name = _latin(name)
            x, y = (pos[u][0] + pos[v][0]) / 2, (pos[u][1] + pos[v][1]) / 2
            ax.text(x, y, name, fontsize=7, color="#555")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title("Shanghai FTZ: four special customs supervision zones")
    return ax
