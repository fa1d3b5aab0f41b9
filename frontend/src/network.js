// The coordination network: graphology graph, sigma.js WebGL renderer, ForceAtlas2 in a
// worker (refining positions seeded per cluster, so the first frame already shows the
// groups), search, filters, and the evidence panel for an account or an edge.
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeLineProgram } from "sigma/rendering";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import { append, button, clear, dataTable, downloadText, el, formatNumber, formatSeconds, formatTime, message, safeLink, toCsv } from "./dom.js";

const PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39"];
const OTHER_COLOUR = "#9aa3ad";
const EDGE_COLOUR = "rgba(120,130,140,0.25)";
const HIGHLIGHT = "#111";
const EDGE_EVENTS_MAX = 20000; // picking edges costs a second render pass; past this, edges are reached from accounts
const LAYOUT_MS = 6000;

export function clusterColours(clusterIds) {
  const colours = new Map();
  (clusterIds || []).forEach((id, i) => colours.set(id, i < PALETTE.length ? PALETTE[i] : OTHER_COLOUR));
  return colours;
}

// Clusters on a sunflower spiral, biggest in the middle; members on a small spiral
// inside their cluster's disc. Linear time, and already readable before any layout.
function seedPositions(nodes) {
  const byCluster = new Map();
  nodes.cluster.forEach((cluster, i) => {
    const key = cluster ?? -1;
    if (!byCluster.has(key)) byCluster.set(key, []);
    byCluster.get(key).push(i);
  });
  const groups = [...byCluster.values()].sort((a, b) => b.length - a.length);
  const golden = Math.PI * (3 - Math.sqrt(5));
  const x = new Float64Array(nodes.id.length);
  const y = new Float64Array(nodes.id.length);
  let placed = 0;
  groups.forEach((members, g) => {
    const radius = Math.sqrt(placed + members.length / 2) * 2;
    const cx = g === 0 ? 0 : Math.cos(g * golden) * radius * 1.6;
    const cy = g === 0 ? 0 : Math.sin(g * golden) * radius * 1.6;
    members.forEach((node, k) => {
      const r = Math.sqrt(k + 0.5);
      x[node] = cx + Math.cos(k * golden) * r;
      y[node] = cy + Math.sin(k * golden) * r;
    });
    placed += members.length;
  });
  return { x, y };
}

export function buildGraph(network, colours) {
  const graph = new Graph({ type: "undirected", multi: false, allowSelfLoops: false });
  const { nodes, edges } = network;
  const { x, y } = seedPositions(nodes);
  for (let i = 0; i < nodes.id.length; i++) {
    // Keys are positions ("0", "1", …): V8 stores integer-like keys as array elements, which
    // makes graphology's adjacency twice as fast to build as with arbitrary account ids.
    graph.addNode(String(i), {
      account: nodes.id[i],
      x: x[i], y: y[i],
      label: nodes.label[i],
      cluster: nodes.cluster[i],
      flagged: nodes.flagged[i],
      score: nodes.score[i],
      degree: nodes.degree[i],
      size: Math.min(14, 2 + 1.6 * Math.log2(1 + nodes.degree[i])) + (nodes.flagged[i] ? 1.5 : 0),
      color: colours.get(nodes.cluster[i]) || OTHER_COLOUR,
    });
  }
  // Edges keep only what drawing needs; the rest is read from the columns by edge key.
  for (let i = 0; i < edges.source.length; i++) {
    graph.addUndirectedEdgeWithKey(i, String(edges.source[i]), String(edges.target[i]), {
      weight: edges.weight[i],
      size: Math.min(4, 0.5 + Math.log10(edges.weight[i])),
    });
  }
  return graph;
}

export class NetworkView {
  constructor(app, root) {
    this.app = app;
    this.root = root;
    this.renderer = null;
    this.layout = null;
    this.selected = null; // {type: "node", id} or {type: "edge", a, b}
    this.filters = { minWeight: 0, cluster: "", flaggedOnly: false, since: "", until: "", kind: "" };
  }

  render(data) {
    this.data = data;
    this.selected = null; // a selection belongs to the graph it was made in
    clear(this.root);
    const network = data.network;
    this.colours = clusterColours(network.cluster_ids);
    if (!network.nodes) {
      append(this.root, message(network.message));
      return;
    }
    this.status = el("p", { class: "status", role: "status", "aria-live": "polite" });
    this.details = el("aside", { class: "details", tabindex: "-1", "aria-label": "Evidence", "aria-live": "polite" },
      el("h3", {}, "Evidence"), el("p", { class: "hint" }, "Click an account or a link, or pick one from the search or the list, to see the posts behind it."));
    this.container = el("div", {
      class: "graph", id: "network-graph", tabindex: "0", role: "application",
      "aria-label": "Coordination network. Arrow keys pan, plus and minus zoom; use the search or the account list to select.",
    });
    this.accountList = el("div", { class: "account-list" });
    if (!network.shown_nodes) {
      // Nothing to draw (no co-shares, or filters that match none): keep the filters at hand.
      this.graph = null;
      this.status.textContent = `Showing 0 accounts and 0 co-share links. ${network.message || ""}`;
      append(this.root, this.toolbar(network), this.status);
      this.app.markReady({ nodes: 0, edges: 0 });
      return;
    }
    append(this.root,
      this.toolbar(network),
      this.status,
      el("div", { class: "network-body" }, this.container, this.details),
      this.legend(network),
      this.accountList);
    this.draw(network);
  }

  toolbar(network) {
    const search = el("input", {
      type: "search", id: "account-search", placeholder: "Find an account (handle or id)", autocomplete: "off",
      role: "combobox", "aria-expanded": "false", "aria-controls": "account-search-results", "aria-label": "Find an account",
    });
    const results = el("ul", { id: "account-search-results", role: "listbox", class: "search-results", hidden: true });
    let active = -1;
    const choose = (key) => { results.hidden = true; search.setAttribute("aria-expanded", "false"); this.selectKey(key, true); };
    const update = () => {
      clear(results);
      active = -1;
      const query = search.value.trim().toLocaleLowerCase();
      if (!query || !this.graph) { results.hidden = true; return; }
      const found = [];
      this.graph.forEachNode((key, attributes) => {
        if (found.length < 12 && (String(attributes.label).toLocaleLowerCase().includes(query) || attributes.account.toLocaleLowerCase().includes(query))) found.push(key);
      });
      found.forEach((key, i) => {
        const option = el("li", { role: "option", id: `account-option-${i}`, "data-id": key, on: { mousedown: (e) => { e.preventDefault(); choose(key); } } },
          this.graph.getNodeAttribute(key, "label"), el("span", { class: "muted" }, ` ${this.graph.getNodeAttribute(key, "account")}`));
        results.append(option);
      });
      if (!found.length) results.append(el("li", { class: "muted" }, "no account in view matches"));
      results.hidden = false;
      search.setAttribute("aria-expanded", "true");
    };
    search.addEventListener("input", update);
    search.addEventListener("keydown", (event) => {
      const options = [...results.querySelectorAll("[role=option]")];
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!options.length) return;
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
        options.forEach((o, i) => o.setAttribute("aria-selected", String(i === active)));
        search.setAttribute("aria-activedescendant", options[active].id);
      } else if (event.key === "Enter") {
        event.preventDefault();
        const pick = options[Math.max(active, 0)];
        if (pick) choose(pick.getAttribute("data-id"));
      } else if (event.key === "Escape") {
        results.hidden = true;
      }
    });

    const minWeight = el("input", { type: "number", id: "filter-min-weight", min: "0", step: "1", value: String(this.filters.minWeight) });
    const cluster = el("select", { id: "filter-cluster" }, el("option", { value: "" }, "all clusters"),
      (network.cluster_ids || []).slice(0, 200).map((id) => el("option", { value: String(id) }, `cluster ${id}`)));
    cluster.value = this.filters.cluster;
    const flagged = el("input", { type: "checkbox", id: "filter-flagged" });
    flagged.checked = this.filters.flaggedOnly;
    const controls = [
      el("label", {}, "Min weight ", minWeight),
      el("label", {}, "Cluster ", cluster),
      el("label", {}, flagged, " flagged accounts only"),
    ];
    const served = this.app.source.mode === "app";
    let since, until, kind;
    if (served) {
      since = el("input", { type: "datetime-local", id: "filter-since", value: this.filters.since });
      until = el("input", { type: "datetime-local", id: "filter-until", value: this.filters.until });
      kind = el("select", { id: "filter-kind" }, el("option", { value: "" }, "all kinds"),
        (network.kinds || []).map((k) => el("option", { value: k }, k)));
      kind.value = this.filters.kind;
      controls.push(el("label", {}, "From ", since), el("label", {}, "to ", until), el("label", {}, "Kind ", kind));
    }
    const apply = () => {
      this.filters = {
        minWeight: Number(minWeight.value) || 0, cluster: cluster.value, flaggedOnly: flagged.checked,
        since: since?.value || "", until: until?.value || "", kind: kind?.value || "",
      };
      if (served) this.app.reload(this.serverFilters());
      else this.refreshReducers();
    };
    const form = el("form", { class: "toolbar", "aria-label": "Network filters", on: { submit: (e) => { e.preventDefault(); apply(); } } },
      el("div", { class: "search-box" }, search, results),
      controls,
      el("button", { type: "submit", id: "filter-apply" }, "Apply"),
      button("Download shown links (CSV)", () => this.downloadEdges(), { id: "download-edges" }));
    if (!served) [minWeight, cluster, flagged].forEach((input) => input.addEventListener("change", apply));
    return form;
  }

  serverFilters() {
    const f = this.filters;
    return {
      min_weight: f.minWeight || "", cluster: f.cluster,
      since: f.since ? `${f.since}:00`.slice(0, 19) : "", until: f.until ? `${f.until}:00`.slice(0, 19) : "", kind: f.kind,
    };
  }

  legend(network) {
    const items = (network.cluster_ids || []).slice(0, PALETTE.length).map((id) =>
      el("li", {}, button([el("span", { class: "swatch", "data-colour": this.colours.get(id) }), `cluster ${id}`], () => {
        this.filters.cluster = String(id);
        const select = this.root.querySelector("#filter-cluster");
        if (select) select.value = String(id);
        if (this.app.source.mode === "app") this.app.reload(this.serverFilters());
        else this.refreshReducers();
      })));
    const list = el("ul", { class: "legend", "aria-label": "Cluster colours" }, items,
      el("li", {}, el("span", { class: "swatch", "data-colour": OTHER_COLOUR }), "other clusters"));
    // Colours are set through the CSSOM (allowed by the page's CSP), never as markup.
    list.querySelectorAll(".swatch").forEach((swatch) => { swatch.style.background = swatch.getAttribute("data-colour"); });
    return list;
  }

  draw(network) {
    const started = performance.now();
    this.graph = buildGraph(network, this.colours);
    this.keyOf = new Map(network.nodes.id.map((account, i) => [account, String(i)]));
    const built = performance.now();
    const edgeEvents = this.graph.size <= EDGE_EVENTS_MAX;
    // Past EDGE_EVENTS_MAX, edges are drawn as one-pixel GL lines: a third of the vertices.
    const lines = edgeEvents ? {} : { defaultEdgeType: "line", edgeProgramClasses: { line: EdgeLineProgram } };
    this.renderer = new Sigma(this.graph, this.container, {
      ...lines,
      enableEdgeEvents: edgeEvents,
      allowInvalidContainer: true, // drawn while its tab is hidden; resized when shown
      hideEdgesOnMove: this.graph.size > EDGE_EVENTS_MAX,
      labelRenderedSizeThreshold: this.graph.order > 2000 ? 10 : 7,
      labelDensity: 0.5,
      zIndex: this.graph.size <= EDGE_EVENTS_MAX, // sorting 100k edges per frame is not worth it
      defaultEdgeColor: EDGE_COLOUR,
    });
    this.renderer.on("clickNode", ({ node }) => this.selectKey(node, false));
    this.renderer.on("clickEdge", ({ edge }) => this.selectEdge(this.graph.source(edge), this.graph.target(edge)));
    this.renderer.on("clickStage", () => this.clearSelection());
    this.renderer.on("enterNode", () => { this.container.style.cursor = "pointer"; });
    this.renderer.on("leaveNode", () => { this.container.style.cursor = ""; });
    this.container.addEventListener("keydown", (event) => this.onKey(event));
    // Where an account is drawn, in page pixels: lets a script (and the browser tests) click it.
    window.__inconcert.nodePosition = (account) => {
      const key = this.keyOf.get(account);
      if (!this.renderer || key === undefined) return null;
      const point = this.renderer.graphToViewport(this.graph.getNodeAttributes(key));
      const box = this.container.getBoundingClientRect();
      return { x: box.left + point.x, y: box.top + point.y };
    };
    // Sigma draws its first frame inside its constructor; ready once the browser has painted it.
    const drawn = performance.now();
    requestAnimationFrame(() => {
      this.app.markReady({
        nodes: this.graph.order, edges: this.graph.size, edgeEvents,
        buildMs: Math.round(built - started), firstRenderMs: Math.round(drawn - started),
      });
      // The layout refines positions after the first frame, so it never delays it.
      setTimeout(() => this.startLayout(), 0);
    });
    this.updateStatus(network);
    this.fillAccountList();
  }

  // Reducers cost a call per node and edge on every refresh: installed only while a
  // selection or a filter needs them.
  applyReducers() {
    const f = this.filters;
    const needed = this.selected || f.flaggedOnly || (this.app.source.mode === "report" && (f.cluster !== "" || f.minWeight > 0));
    this.renderer.setSetting("nodeReducer", needed ? (node, attributes) => this.nodeReducer(node, attributes) : null);
    this.renderer.setSetting("edgeReducer", needed ? (edge, attributes) => this.edgeReducer(edge, attributes) : null);
  }

  startLayout() {
    if (!this.graph || this.graph.order < 2) { window.__inconcert.layoutDone = true; return; }
    const settings = { ...forceAtlas2.inferSettings(this.graph), edgeWeightInfluence: 0.5, barnesHutOptimize: this.graph.order > 1500 };
    // Small graphs settle fast; big ones get a bounded budget (the seeded clusters are readable already).
    const budget = Math.min(this.graph.size > 50000 ? LAYOUT_MS / 2 : LAYOUT_MS, 500 + 5 * this.graph.order);
    window.__inconcert.layoutDone = false;
    try {
      this.layout = new FA2Layout(this.graph, { settings });
      this.layout.start();
      this.layoutTimer = setTimeout(() => this.stopLayout(), budget);
    } catch {
      // No workers (some locked-down browsers): iterate in small steps between frames.
      const until = performance.now() + budget;
      const step = () => {
        if (!this.graph || performance.now() > until) { window.__inconcert.layoutDone = true; return; }
        forceAtlas2.assign(this.graph, { iterations: 2, settings });
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }
  }

  stopLayout() {
    clearTimeout(this.layoutTimer);
    if (this.layout) { this.layout.kill(); this.layout = null; }
    window.__inconcert.layoutDone = true;
  }

  destroy() {
    this.stopLayout();
    this.selected = null;
    if (this.renderer) { this.renderer.kill(); this.renderer = null; }
    this.graph = null;
  }

  onKey(event) {
    const camera = this.renderer.getCamera();
    const state = camera.getState();
    const step = 0.1 * state.ratio;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) {
      event.preventDefault();
      camera.setState({ x: state.x + moves[event.key][0], y: state.y + moves[event.key][1] });
    } else if (event.key === "+" || event.key === "=") {
      camera.animatedZoom({ duration: 150 });
    } else if (event.key === "-") {
      camera.animatedUnzoom({ duration: 150 });
    } else if (event.key === "0") {
      camera.animatedReset({ duration: 150 });
    } else if (event.key === "Escape") {
      this.clearSelection();
    }
  }

  visibleNode(node, attributes) {
    const f = this.filters;
    if (f.flaggedOnly && !attributes.flagged) return false;
    if (this.app.source.mode === "report" && f.cluster !== "" && String(attributes.cluster) !== f.cluster) return false;
    return true;
  }

  nodeReducer(node, attributes) {
    const shown = { ...attributes };
    if (!this.visibleNode(node, attributes)) { shown.hidden = true; return shown; }
    const s = this.selected;
    if (s) {
      const isSelected = (s.type === "node" && s.id === node) || (s.type === "edge" && (s.a === node || s.b === node));
      const isNeighbour = s.type === "node" && this.graph.areNeighbors(s.id, node);
      if (isSelected) { shown.highlighted = true; shown.zIndex = 2; shown.forceLabel = true; }
      else if (!isNeighbour) { shown.color = "#d9dde1"; shown.label = ""; shown.zIndex = 0; }
      else shown.zIndex = 1;
    }
    return shown;
  }

  edgeReducer(edge, attributes) {
    const shown = { ...attributes };
    const [a, b] = this.graph.extremities(edge);
    const f = this.filters;
    if (this.app.source.mode === "report" && attributes.weight < f.minWeight) { shown.hidden = true; return shown; }
    if (!this.visibleNode(a, this.graph.getNodeAttributes(a)) || !this.visibleNode(b, this.graph.getNodeAttributes(b))) {
      shown.hidden = true;
      return shown;
    }
    const s = this.selected;
    if (s?.type === "node") {
      if (a === s.id || b === s.id) { shown.color = HIGHLIGHT; shown.zIndex = 1; }
      else shown.hidden = this.graph.size > 2000;
    } else if (s?.type === "edge" && ((a === s.a && b === s.b) || (a === s.b && b === s.a))) {
      shown.color = HIGHLIGHT; shown.size = 3; shown.zIndex = 1;
    }
    return shown;
  }

  refreshReducers() {
    if (this.renderer) this.applyReducers();
    this.updateStatus(this.data.network);
  }

  updateStatus(network) {
    let shownEdges = 0;
    let shownNodes = 0;
    if (this.app.source.mode === "report") {
      const visible = new Set();
      this.graph.forEachEdge((edge, attributes, a, b, aa, ba) => {
        if (attributes.weight >= this.filters.minWeight && this.visibleNode(a, aa) && this.visibleNode(b, ba)) {
          shownEdges++; visible.add(a); visible.add(b);
        }
      });
      shownNodes = visible.size;
    } else {
      shownEdges = network.shown_edges;
      shownNodes = network.shown_nodes;
    }
    const capped = network.shown_edges < network.total_edges || network.shown_nodes < network.total_nodes;
    this.status.textContent =
      `Showing ${formatNumber(shownNodes)} accounts and ${formatNumber(shownEdges)} co-share links` +
      (capped ? ` — the strongest part of ${formatNumber(network.total_nodes)} accounts and ${formatNumber(network.total_edges)} links; the full network is in the coordination exports (edges.csv, network.graphml, network.gexf).` : ".") +
      (network.parameters?.window !== undefined ? ` Window ${network.parameters.window} s, kind ${network.parameters.kind}.` : "") +
      (network.message ? ` ${network.message}` : "");
  }

  fillAccountList() {
    const ids = [];
    this.graph.forEachNode((key, a) => ids.push([key, a]));
    ids.sort((x, y) => (y[1].flagged - x[1].flagged) || (y[1].degree - x[1].degree));
    clear(this.accountList);
    append(this.accountList,
      el("h3", {}, "Accounts by number of partners"),
      el("ol", { class: "compact" }, ids.slice(0, 60).map(([id, a]) =>
        el("li", {}, button(`${a.label}${a.flagged ? " (flagged)" : ""} — ${a.degree} partners`, () => this.selectKey(id, true), { "data-account": a.account })))));
  }

  clearSelection() {
    this.selected = null;
    if (this.renderer) this.applyReducers();
  }

  focusCamera(node) {
    // The camera works in sigma's normalised ("framed") coordinates, not the layout's.
    const target = this.renderer.viewportToFramedGraph(this.renderer.graphToViewport(this.graph.getNodeAttributes(node)));
    this.renderer.getCamera().animate({ x: target.x, y: target.y, ratio: 0.4 }, { duration: 300 });
  }

  labelOf(account) {
    const key = this.keyOf?.get(account);
    return key !== undefined && this.graph?.hasNode(key) ? this.graph.getNodeAttribute(key, "label") : account;
  }

  // By account id, from the other views and the search results.
  selectNode(account, moveCamera) {
    const key = this.keyOf?.get(account);
    if (key !== undefined) this.selectKey(key, moveCamera);
  }

  selectKey(id, moveCamera) {
    if (!this.graph?.hasNode(id)) return;
    this.selected = { type: "node", id };
    this.applyReducers();
    if (moveCamera) this.focusCamera(id);
    this.showAccount(id);
  }

  selectEdge(a, b) {
    [a, b] = this.graph.getNodeAttribute(a, "account") < this.graph.getNodeAttribute(b, "account") ? [a, b] : [b, a];
    this.selected = { type: "edge", a, b };
    this.applyReducers();
    this.showEdge(a, b);
  }

  showAccount(id) {
    const node = this.graph.getNodeAttributes(id);
    const profile = this.data.accounts?.[node.account] || {};
    const partners = this.graph.edges(id).map((edge) => ({ other: this.graph.opposite(id, edge), ...this.edgeFacts(edge) }))
      .sort((x, y) => y.weight - x.weight);
    const facts = [
      ["account id", node.account], ["handle", profile.handle], ["name", profile.display_name], ["platform", profile.platform],
      ["created", formatTime(profile.created_at)], ["followers", formatNumber(profile.followers)],
      ["cluster", node.cluster], ["flagged", node.flagged ? "yes: part of a coordinated group at these settings" : "no"],
      ["coordination score", node.score], ["bot score", profile.bot_score], ["in a creation burst", profile.in_creation_burst],
      ["partners", partners.length],
    ].filter(([, v]) => v !== undefined && v !== null && v !== "");
    clear(this.details);
    append(this.details,
      el("h3", { id: "details-title" }, `Account ${node.label}`),
      el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", {}, k), el("dd", {}, typeof v === "boolean" ? (v ? "yes" : "no") : typeof v === "number" ? formatNumber(v) : String(v))])),
      profile.description ? el("p", { class: "bio" }, profile.description) : null,
      profile.url ? el("p", {}, "Profile link: ", safeLink(profile.url)) : null,
      el("div", { class: "edge-evidence" }),
      el("h4", {}, "Co-shared with"),
      el("ol", { class: "compact partners" }, partners.slice(0, 40).map((p) =>
        el("li", {}, button(`${this.graph.getNodeAttribute(p.other, "label")} — weight ${formatNumber(p.weight)}, ${formatNumber(p.n_objects)} objects`,
          () => this.selectEdge(id, p.other), { "data-partner": this.graph.getNodeAttribute(p.other, "account") })))),
      partners.length > 40 ? el("p", { class: "muted" }, `and ${partners.length - 40} more`) : null);
    if (partners.length) {
      const pair = [node.account, this.graph.getNodeAttribute(partners[0].other, "account")].sort();
      this.fillEvidence(this.details.querySelector(".edge-evidence"), pair[0], pair[1]);
    }
  }

  async showEdge(a, b) {
    const key = this.graph.edge(a, b);
    const attributes = key !== undefined ? this.edgeFacts(key) : {};
    const label = (n) => (this.graph.hasNode(n) ? this.graph.getNodeAttribute(n, "label") : n);
    clear(this.details);
    const box = el("div", { class: "edge-evidence" });
    append(this.details,
      el("h3", { id: "details-title" }, `${label(a)} ↔ ${label(b)}`),
      el("dl", { class: "facts" },
        [["weight (co-share pairs)", formatNumber(attributes.weight)], ["distinct objects", formatNumber(attributes.n_objects)],
          ["mean Δt", formatSeconds(attributes.mean_dt)], ["kinds", attributes.kinds]]
          .filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))])),
      el("p", {}, button(`Show ${label(a)}`, () => this.selectKey(a, true)), " ", button(`Show ${label(b)}`, () => this.selectKey(b, true))),
      box);
    await this.fillEvidence(box, this.graph.getNodeAttribute(a, "account"), this.graph.getNodeAttribute(b, "account"));
    this.details.focus({ preventScroll: true });
  }

  async fillEvidence(box, a, b) {
    clear(box);
    append(box, el("p", { class: "muted" }, "Loading the evidence…"));
    let evidence;
    try {
      evidence = await this.app.source.evidence(a, b, this.serverFilters());
    } catch (error) {
      clear(box);
      append(box, message(`The evidence could not be loaded (${error.message}).`));
      return;
    }
    clear(box);
    const label = (account) => this.labelOf(account);
    if (!evidence || !evidence.pairs.length) {
      append(box, message("This link's evidence is not inlined in the report (only the strongest links carry it); it is in evidence.parquet of the coordination exports, and in `inconcert serve`."));
      return;
    }
    const shown = evidence.pairs.length;
    const total = evidence.total_pairs;
    append(box,
      el("h4", {}, `Evidence: ${label(evidence.account_a)} and ${label(evidence.account_b)}`),
      el("p", { class: "muted" }, total !== null && total !== undefined
        ? `${formatNumber(shown)} of ${formatNumber(total)} co-share pairs, tightest first.`
        : `The ${formatNumber(shown)} tightest co-share pairs (the report keeps ${this.data.evidence?.per_edge ?? shown} per link).`),
      el("ol", { class: "evidence" }, evidence.pairs.map(([kind, object, contentA, tsA, contentB, tsB, delta]) =>
        el("li", { class: "pair" },
          el("div", { class: "pair-head" }, el("span", { class: "kind" }, kind), " ", el("code", {}, object), " — Δt ", el("strong", {}, formatSeconds(delta))),
          el("div", { class: "pair-posts" },
            postCard(evidence.posts[contentA], contentA, label(evidence.account_a), tsA),
            postCard(evidence.posts[contentB], contentB, label(evidence.account_b), tsB))))));
  }

  edgeFacts(key) {
    const edges = this.data.network.edges;
    const i = Number(key);
    return { weight: edges.weight[i], n_objects: edges.n_objects[i], mean_dt: edges.mean_dt[i], kinds: edges.kinds[i] };
  }

  downloadEdges() {
    if (!this.graph) return;
    const rows = [];
    this.graph.forEachEdge((edge, attributes, a, b) => {
      const facts = this.edgeFacts(edge);
      rows.push([this.graph.getNodeAttribute(a, "account"), this.graph.getNodeAttribute(b, "account"), facts.weight, facts.n_objects, facts.mean_dt, facts.kinds]);
    });
    downloadText("inconcert-edges-shown.csv", toCsv(["account_a", "account_b", "weight", "n_objects", "mean_time_delta", "kinds"], rows));
  }
}

export function postCard(post, contentId, fallbackAuthor, ts) {
  return el("article", { class: "post" },
    el("header", {}, el("strong", {}, post?.handle || fallbackAuthor), " · ", el("time", {}, formatTime(post?.ts || ts)),
      post?.kind ? ` · ${post.kind}` : "", " · ", el("code", { class: "muted" }, contentId)),
    el("p", { class: "post-text" }, post?.text ?? "(post text not in the workspace)"),
    post?.url ? el("p", { class: "muted" }, safeLink(post.url)) : null);
}

export { dataTable };
