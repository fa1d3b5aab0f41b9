// The views other than the network: overview, cluster cards, timelines, signals, search.
import { append, button, clear, dataTable, el, formatNumber, formatTime, message, safeLink } from "./dom.js";
import { shareBars, stackedBars } from "./charts.js";
import { postCard } from "./network.js";

const FLAGGED = "#d62728";
const OTHER = "#9aa3ad";

export function overviewView(root, data) {
  const o = data.overview;
  const c = o.counts;
  const net = data.network || {};
  const flaggedClusters = (data.clusters?.cards || []).filter((card) => card.flagged);
  append(root,
    el("div", { class: "stats" },
      stat("accounts", c.accounts), stat("posts", c.posts), stat("shared objects (actions)", c.actions),
      stat("articles", c.articles), stat("quarantined records", c.quarantine),
      net.total_nodes !== undefined ? stat("accounts in the co-share network", net.total_nodes) : null,
      flaggedClusters.length || net.total_nodes !== undefined ? stat("flagged clusters", flaggedClusters.length) : null),
    el("p", {}, o.posts_from ? `Posts from ${formatTime(o.posts_from)} to ${formatTime(o.posts_until)}. ` : "No timestamped posts. ",
      o.articles_from ? `Articles published from ${formatTime(o.articles_from)} to ${formatTime(o.articles_until)}.` : ""),
    el("h3", {}, "Sources"),
    o.sources.length ? dataTable(["format", "files", "records", "quarantined", "posts", "accounts", "actions", "articles"],
      o.sources.map((s) => [s.format, s.files, s.records, s.quarantined, s.posts, s.accounts, s.actions, s.articles]), { caption: "Files ingested, by format" })
      : message("Nothing has been ingested into this workspace."),
    o.platforms.length ? dataTable(["platform", "kind", "posts"], o.platforms.map((p) => [p.platform, p.kind, p.posts]), { caption: "Posts by platform and kind" }) : null,
    o.action_kinds.length ? dataTable(["kind", "actions"], o.action_kinds.map((k) => [k.kind, k.actions]), { caption: "Shared objects by kind" }) : null,
    o.outlets.length ? dataTable(["outlet", "articles"], o.outlets.map((k) => [k.outlet, k.articles]), { caption: "Articles by outlet" }) : null,
    o.quarantine_reasons.length ? dataTable(["reason", "records"], o.quarantine_reasons.map((q) => [q.reason, q.records]), { caption: "Quarantined records, by reason" }) : null,
    el("h3", {}, "Analyses"),
    el("ul", {}, Object.entries(o.analyses).map(([name, present]) => el("li", {}, `${name}: ${present ? "results in the workspace" : "no results"}`))),
    el("p", { class: "muted" }, "inconcert measures behaviour and text; a flag says accounts acted together more than chance would make likely at the settings used, not who is right or who is behind them."));
}

function stat(label, value) {
  return el("div", { class: "stat" }, el("span", { class: "value" }, formatNumber(value)), el("span", { class: "label" }, label));
}

export function clustersView(root, data, onAccount) {
  const clusters = data.clusters;
  if (!clusters?.cards) return append(root, message(clusters?.message || "No clusters."));
  append(root,
    el("p", {}, `${formatNumber(clusters.total)} clusters; the flagged ones first. A cluster is flagged when two or more of its accounts co-shared at least ${data.network?.parameters?.flag_min_objects ?? "several"} distinct objects with one partner within the window.`),
    el("div", { class: "cards" }, clusters.cards.map((card) => clusterCard(card, onAccount))));
}

function clusterCard(card, onAccount) {
  const facts = [
    ["accounts", card.n_accounts], ["flagged accounts", card.n_flagged], ["links", card.n_edges],
    ["total weight", card.total_weight], ["density", card.density !== null && card.density !== undefined ? Math.round(card.density * 1000) / 1000 : null],
    ["objects co-shared", card.n_objects], ["active", card.first_seen ? `${formatTime(card.first_seen)} – ${formatTime(card.last_seen)}` : null],
    ["accounts created", card.created_min ? `${formatTime(card.created_min)} – ${formatTime(card.created_max)}` : null],
    ["creation spread", card.creation_spread_days !== null && card.creation_spread_days !== undefined ? `${formatNumber(card.creation_spread_days)} days` : null],
    ["mean bot score", card.mean_bot_score], ["p-value", card.p_value], ["q-value (false discovery rate)", card.q_value],
  ].filter(([, v]) => v !== null && v !== undefined);
  return el("section", { class: `card${card.flagged ? " flagged" : ""}`, "aria-label": `Cluster ${card.cluster_id}` },
    el("h3", {}, `Cluster ${card.cluster_id}`, card.flagged ? el("span", { class: "badge" }, "flagged") : null),
    el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", {}, k), el("dd", {}, typeof v === "number" ? formatNumber(v) : String(v))])),
    card.top_objects.length ? [el("h4", {}, "Most co-shared"), el("ul", { class: "compact" }, card.top_objects.map((o) => el("li", {}, el("code", {}, o))))] : null,
    el("h4", {}, "Members (strongest first)"),
    el("ul", { class: "members" }, card.members.map((m) =>
      el("li", {}, button(`${m.handle}${m.flagged ? " ⚑" : ""}`, () => onAccount(m.id), { title: `account ${m.id}, created ${formatTime(m.created)}`, "data-account": m.id })))),
    card.n_accounts > card.members.length ? el("p", { class: "muted" }, `and ${formatNumber(card.n_accounts - card.members.length)} more`) : null);
}

export function timelinesView(root, data) {
  const t = data.timelines;
  const activity = t.activity;
  append(root, el("h3", {}, "Activity of flagged and other accounts"),
    activity.t ? stackedBars({ times: activity.t, bucket: activity.bucket, title: `Posts per ${activity.bucket}`,
      series: [{ name: "flagged accounts", values: activity.flagged, colour: FLAGGED }, { name: "other accounts", values: activity.other, colour: OTHER }] })
      : message(activity.message));
  const creations = t.creations;
  const marks = (creations.bursts || []).filter((b) => b.flagged !== false).map((b) => ({
    from: String(b.period_start), to: String(b.period_end), label: `creation burst: ${b.n_created} accounts (expected ${b.expected})`,
  }));
  append(root, el("h3", {}, "Account creation"),
    creations.t ? stackedBars({ times: creations.t, bucket: creations.bucket, title: `Accounts created per ${creations.bucket}`, marks,
      series: [{ name: "flagged accounts", values: creations.flagged, colour: FLAGGED }, { name: "other accounts", values: creations.other, colour: OTHER }] })
      : message(creations.message),
    creations.t && !creations.bursts ? el("p", { class: "muted" }, "Creation bursts appear here once the signals analysis has run.") : null,
    creations.bursts?.length ? dataTable(Object.keys(creations.bursts[0]), creations.bursts.map((b) => Object.values(b)), { caption: "Creation bursts" }) : null);
  append(root, el("h3", {}, "Hashtag, link and domain floods"),
    t.floods.rows ? [
      shareBars(t.floods.rows.slice(0, 20), {
        label: (r) => `${r.kind} ${r.object_id}`, value: (r) => r.n_accounts, share: (r) => r.flagged_share,
        title: "Accounts sharing each object; red: the share of its posts carried by flagged accounts",
      }),
      dataTable(["kind", "object", "accounts", "shares", "flagged accounts", "flagged share", "first", "last"],
        t.floods.rows.map((r) => [r.kind, r.object_id, r.n_accounts, r.n_shares, r.n_flagged_accounts, r.flagged_share, formatTime(r.first_share), formatTime(r.last_share)]),
        { caption: "Most widely shared objects" }),
    ] : message(t.floods.message));
}

export function signalsView(root, data) {
  const s = data.signals;
  if (!s.tables) return append(root, message(s.message));
  if (s.bot_histogram) {
    append(root, el("h3", {}, "Bot scores"),
      stackedBars({ times: s.bot_histogram.bin.map((b) => b.toFixed(1)), bucket: "score", title: "Accounts per bot-score band (0.1 wide)",
        series: [{ name: "accounts", values: s.bot_histogram.accounts, colour: "#1f77b4" }] }));
  }
  for (const [name, table] of Object.entries(s.tables)) {
    append(root, el("h3", {}, name.replace(/^signals_/, "").replace(/_/g, " ")),
      table.rows.length ? dataTable(table.columns, table.rows, {
        caption: `${name}: ${formatNumber(table.total)} rows${table.total > table.rows.length ? `, the first ${table.rows.length} shown` : ""}`,
      }) : message("No rows."));
  }
}

export function searchView(root, source, onAccount) {
  const input = el("input", { type: "search", id: "text-search", placeholder: "Words in posts or articles", "aria-label": "Search posts and articles" });
  const results = el("div", { class: "search-output", "aria-live": "polite" });
  const run = async () => {
    const query = input.value.trim();
    clear(results);
    if (query.length < 2) return append(results, message("Type at least two characters."));
    append(results, el("p", { class: "muted" }, "Searching…"));
    let found;
    try {
      found = await source.search(query);
    } catch (error) {
      clear(results);
      return append(results, message(`Search failed (${error.message}).`));
    }
    clear(results);
    append(results,
      el("p", { class: "muted" }, `Searched ${found.scope || "all posts and articles in the workspace"}.`),
      el("h3", {}, `Posts (${found.posts.length}${found.more_posts ? "+" : ""})`),
      found.posts.length ? el("ol", { class: "evidence" }, found.posts.map((p) =>
        el("li", {}, postCard(p, p.post_id, p.handle || p.account, p.ts), p.account ? button("Show account in the network", () => onAccount(p.account)) : null)))
        : message("No post matches."),
      el("h3", {}, `Articles (${found.articles.length})`),
      found.articles.length ? el("ol", { class: "evidence" }, found.articles.map((a) =>
        el("li", {}, el("article", { class: "post" },
          el("header", {}, el("strong", {}, a.title || a.doc_id), " · ", a.outlet || "", " · ", formatTime(a.published), " · ", el("code", {}, a.doc_id)),
          el("p", { class: "post-text" }, a.snippet || ""), a.url ? el("p", {}, safeLink(a.url)) : null))))
        : message("No article matches."));
  };
  append(root,
    el("p", {}, source.mode === "report"
      ? "Search the words of the posts behind the inlined evidence and of the articles in this report (case-insensitive). `inconcert serve` searches the whole workspace."
      : "Search the words of every post and article in the workspace (case-insensitive)."),
    el("form", { class: "toolbar", role: "search", on: { submit: (e) => { e.preventDefault(); run(); } } },
      input, el("button", { type: "submit", id: "text-search-go" }, "Search")),
    results);
}
