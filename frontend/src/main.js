// inconcert's analyst view: one script for the self-contained report (data inlined as
// JSON) and for the web app (data from its JSON API). It builds the page with DOM calls
// only; nothing from the data is ever parsed as HTML.
import { append, clear, el, formatNumber, message } from "./dom.js";
import { openSource } from "./source.js";
import { NetworkView } from "./network.js";
import { clustersView, overviewView, searchView, signalsView, timelinesView } from "./views.js";
import { narrativesView } from "./narratives.js";

const TABS = [
  ["overview", "Overview"], ["network", "Network"], ["clusters", "Clusters"], ["timelines", "Timelines"],
  ["signals", "Signals"], ["narratives", "Narratives"], ["search", "Search"],
];

const state = (window.__inconcert = { ready: false, stats: null, errors: [], tab: null, timings: {} });

class App {
  constructor(root) {
    this.root = root;
    this.source = openSource();
    this.filters = {};
  }

  async start() {
    this.buildShell();
    await this.reload({});
  }

  buildShell() {
    this.tabList = el("div", { role: "tablist", class: "tabs", "aria-label": "Views" });
    this.panels = new Map();
    this.buttons = new Map();
    for (const [id, label] of TABS) {
      const tab = el("button", { type: "button", role: "tab", id: `tab-${id}`, "aria-controls": `panel-${id}`, "aria-selected": "false", tabindex: "-1" }, label);
      tab.addEventListener("click", () => this.show(id, true));
      tab.addEventListener("keydown", (event) => this.onTabKey(event, id));
      this.tabList.append(tab);
      this.buttons.set(id, tab);
      this.panels.set(id, el("section", { role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}`, class: "panel", tabindex: "0", hidden: true }));
    }
    this.summary = el("p", { class: "summary", "aria-live": "polite" });
    this.drawn = new Set();
    clear(this.root);
    append(this.root, this.summary, el("nav", {}, this.tabList), [...this.panels.values()]);
  }

  onTabKey(event, id) {
    const ids = TABS.map(([t]) => t);
    let index = ids.indexOf(id);
    if (event.key === "ArrowRight") index = (index + 1) % ids.length;
    else if (event.key === "ArrowLeft") index = (index - 1 + ids.length) % ids.length;
    else if (event.key === "Home") index = 0;
    else if (event.key === "End") index = ids.length - 1;
    else return;
    event.preventDefault();
    this.show(ids[index], true);
    this.buttons.get(ids[index]).focus();
  }

  show(id, remember) {
    for (const [tab, button] of this.buttons) {
      const on = tab === id;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
      this.panels.get(tab).hidden = !on;
    }
    state.tab = id;
    this.drawPanel(id);
    if (remember && window.location.protocol !== "file:") history.replaceState(null, "", `#${id}`);
    if (id === "network" && this.network?.renderer) {
      this.network.renderer.resize();
      this.network.renderer.refresh();
    }
  }

  async reload(filters) {
    state.ready = false;
    this.filters = filters;
    this.summary.textContent = "Loading…";
    let data;
    try {
      const started = performance.now();
      data = await this.source.load(filters);
      state.timings.load = Math.round(performance.now() - started);
    } catch (error) {
      this.summary.textContent = `The data could not be loaded: ${error.message}`;
      state.errors.push(String(error));
      return;
    }
    this.data = data;
    const first = !this.network;
    const panel = (id) => this.panels.get(id);
    if (first) this.network = new NetworkView(this, panel("network"));
    else this.network.destroy(); // its renderer, layout worker and selection belong to the old data
    // Other views draw when first opened (and again after a filter reload): the network
    // is what must be interactive first.
    for (const id of this.drawn) if (id !== "network" && id !== "search") clear(panel(id));
    this.drawn = new Set(["network", ...(first ? [] : ["search"])]);
    this.renderSummary(data);
    const wanted = state.tab || (window.location.hash.slice(1) || (data.network?.nodes ? "network" : "overview"));
    this.show(TABS.some(([t]) => t === wanted) ? wanted : "overview", false);
    const started = performance.now();
    this.network.render(data);
    state.timings.network = Math.round(performance.now() - started);
    if (!data.network?.nodes) this.markReady({ nodes: 0, edges: 0 });
  }

  drawPanel(id) {
    if (this.drawn.has(id) || !this.data) return;
    this.drawn.add(id);
    const panel = this.panels.get(id);
    const onAccount = (account) => this.showAccount(account);
    const draw = {
      overview: () => overviewView(panel, this.data),
      clusters: () => clustersView(panel, this.data, onAccount),
      timelines: () => timelinesView(panel, this.data),
      signals: () => signalsView(panel, this.data),
      narratives: () => narrativesView(panel, this.data),
      search: () => searchView(panel, this.source, onAccount),
    }[id];
    const started = performance.now();
    draw();
    state.timings[id] = Math.round(performance.now() - started);
  }

  renderSummary(data) {
    const c = data.overview.counts;
    const cards = data.clusters?.cards || [];
    this.summary.textContent =
      `${formatNumber(c.accounts)} accounts, ${formatNumber(c.posts)} posts, ${formatNumber(c.articles)} articles` +
      (data.network?.nodes ? `; ${formatNumber(cards.filter((k) => k.flagged).length)} flagged clusters, ${formatNumber(data.network.total_nodes)} accounts in the co-share network.` : ".");
  }

  markReady(stats) {
    state.stats = { ...stats, sinceNavigationMs: Math.round(performance.now()) };
    window.__stats = state.stats; // the flag browser scripts commonly wait on after a first render
    state.ready = true;
    document.documentElement.setAttribute("data-ready", "true");
  }

  showAccount(id) {
    this.show("network", true);
    this.network.selectNode(id, true);
  }
}

window.addEventListener("error", (event) => state.errors.push(String(event.message)));

function boot() {
  const root = document.getElementById("app");
  new App(root).start().catch((error) => {
    state.errors.push(String(error));
    append(root, message(`Something went wrong while drawing the page: ${error.message}`));
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
