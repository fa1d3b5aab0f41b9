"""Files for analysts and other tools, written only from the stored coordination tables:
CSV tables (RFC 4180, UTF-8), the evidence as Parquet, GraphML and GEXF for Gephi and
igraph (GEXF with a time spell per edge for Gephi's timeline), and graphology JSON for the
web view.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import networkx as nx

from inconcert.store.files import copy_csv, copy_parquet, write_atomically, write_json

EDGE_FILE, ACCOUNT_FILE, CLUSTER_FILE = "edges.csv", "accounts.csv", "clusters.csv"
EVIDENCE_FILE, VIRAL_FILE, PARAMETERS_FILE = "evidence.parquet", "viral_objects.csv", "parameters.json"
GRAPHML_FILE, GEXF_FILE, GRAPHOLOGY_FILE = "network.graphml", "network.gexf", "network.graphology.json"


def write_outputs(con: duckdb.DuckDBPyConnection, out: Path, graph_files: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    # Every coordination table is stored in its order (detect.py sorts as it creates
    # them), and copy_* keep a table's stored order: no second sort here.
    written = [
        copy_csv(con, "SELECT * FROM coordination_edges", out / EDGE_FILE),
        copy_csv(con, "SELECT * FROM coordination_accounts", out / ACCOUNT_FILE),
        copy_csv(con, "SELECT * FROM coordination_clusters", out / CLUSTER_FILE),
        copy_csv(con, "SELECT * FROM coordination_viral_objects", out / VIRAL_FILE),
        copy_parquet(con, "SELECT * FROM coordination_evidence", out / EVIDENCE_FILE),
        _write_parameters(con, out / PARAMETERS_FILE),
    ]
    if graph_files:
        graph = account_graph(con)
        write_atomically(out / GRAPHML_FILE, lambda tmp: nx.write_graphml(graph, tmp))
        write_atomically(out / GEXF_FILE, lambda tmp: nx.write_gexf(_with_spells(graph), tmp))
        written += [out / GRAPHML_FILE, out / GEXF_FILE]
    written.append(_write_graphology(con, out / GRAPHOLOGY_FILE))
    return written


def _write_parameters(con, path: Path) -> Path:
    params = {name: json.loads(value) for name, value in con.execute("SELECT * FROM coordination_parameters").fetchall()}
    return write_json(path, params)


def account_graph(con) -> nx.Graph:
    """The account network with account and edge attributes (None values left out:
    GraphML has no null)."""
    graph = nx.Graph()
    accounts = con.execute("SELECT * FROM coordination_accounts ORDER BY account_id")
    names = [d[0] for d in accounts.description]
    for row in accounts.fetchall():
        attributes = _plain(dict(zip(names, row)))
        graph.add_node(attributes.pop("account_id"), **attributes)
    edges = con.execute("SELECT * FROM coordination_edges ORDER BY account_a, account_b")
    names = [d[0] for d in edges.description]
    for row in edges.fetchall():
        attributes = _plain(dict(zip(names, row)))
        graph.add_edge(attributes.pop("account_a"), attributes.pop("account_b"), **attributes)
    return graph


def _plain(attributes: dict) -> dict:
    out = {}
    for key, value in attributes.items():
        if value is None:
            continue
        out[key] = value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value
    return out


def _with_spells(graph: nx.Graph) -> nx.Graph:
    """GEXF for Gephi's timeline: each edge lives from its first to its last co-share."""
    spelled = graph.copy()
    for _, _, data in spelled.edges(data=True):
        if "first_seen" in data and "last_seen" in data:
            data["start"], data["end"] = data["first_seen"], data["last_seen"]
    spelled.graph["mode"] = "dynamic"
    spelled.graph["timeformat"] = "datetime"
    return spelled


def _write_graphology(con, path: Path) -> Path:
    """graphology's serialised-graph JSON for the web view, streamed: DuckDB writes the
    node and edge arrays straight to disk and they are stitched into one document, so a
    network of millions of edges never has to fit in memory as one string."""

    def write(tmp: Path) -> None:
        parts = {"nodes": tmp.with_name(tmp.name + ".nodes"), "edges": tmp.with_name(tmp.name + ".edges")}
        queries = {
            "nodes": """
                SELECT account_id AS key,
                       {'cluster': cluster_id, 'score': coordination_score, 'flagged': flagged,
                        'label': coalesce(handle, account_id)} AS attributes
                FROM coordination_accounts ORDER BY account_id
            """,
            "edges": """
                SELECT account_a AS source, account_b AS target,
                       {'weight': weight, 'n_objects': n_objects} AS attributes
                FROM coordination_edges ORDER BY account_a, account_b
            """,
        }
        try:
            for name, query in queries.items():
                literal = str(parts[name]).replace("'", "''")
                con.execute(f"COPY ({query}) TO '{literal}' (FORMAT json, ARRAY true)")
            with open(tmp, "wb") as document:
                document.write(b'{"attributes":{},"options":{"type":"undirected","multi":false,"allowSelfLoops":false}')
                for name, part in parts.items():
                    document.write(f',"{name}":'.encode())
                    with open(part, "rb") as array:
                        shutil.copyfileobj(array, document, 1 << 20)
                document.write(b"}\n")
        finally:
            for part in parts.values():
                part.unlink(missing_ok=True)

    return write_atomically(path, write)
