// The narratives view: articles side by side with their findings highlighted, quantities
// with their credited sources, labels per actor as a source × actor matrix, disagreements
// linking both passages, and text reuse between outlets. Offsets are Python str indices,
// i.e. code points, so texts are sliced as arrays of code points, not UTF-16 units.
import { append, button, clear, dataTable, el, formatNumber, formatTime, message, safeLink, svg } from "./dom.js";

const TECHNIQUES = {
  Loaded_Language: "Words chosen for their emotional charge rather than their information.",
  "Name_Calling,Labeling": "Attaching a label the audience fears, hates or admires to a person or group.",
  Repetition: "Saying the same message again and again until it sticks.",
  "Exaggeration,Minimisation": "Making something bigger, or smaller, than the evidence supports.",
  Doubt: "Questioning the credibility of someone or something without grounds.",
  "Appeal_to_fear-prejudice": "Building support by stoking fear of an alternative or prejudice against a group.",
  "Flag-Waving": "Leaning on patriotism or group identity to justify a position.",
  Causal_Oversimplification: "One cause offered for a complex outcome.",
  Slogans: "A short striking phrase standing in for an argument.",
  Appeal_to_Authority: "Claiming something is true because an authority says so, without other support.",
  "Black-and-White_Fallacy": "Presenting two options as the only ones.",
  "Thought-terminating_Cliches": "A stock phrase that discourages further thought.",
  "Whataboutism,Straw_Men,Red_Herring": "Deflecting: changing the subject, or refuting a position nobody took.",
  Whataboutism: "Answering a charge by pointing at the accuser's own faults.",
  Straw_Men: "Refuting a distorted version of the opponent's position.",
  Red_Herring: "Introducing something irrelevant to divert attention.",
  "Bandwagon,Reductio_ad_hitlerum": "Everyone does it, or a hated group does it, so it is right or wrong.",
  Bandwagon: "Everyone does it, so should you.",
  Reductio_ad_hitlerum: "Rejecting an idea because a hated group holds it.",
};

export function rowsOf(table) {
  if (!table) return [];
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
}

function codePoints(text) {
  return Array.from(text || "");
}

function excerpt(doc, start, end) {
  if (!doc) return "(article text not in this report)";
  return codePoints(doc.text).slice(start, end).join("");
}

export function narrativesView(root, data) {
  const n = data.narratives;
  if (!n.articles) return append(root, message(n.message));
  const docs = new Map(n.articles.docs.map((d) => [d.doc_id, d]));
  const tables = n.tables || {};
  const spans = spansByDoc(tables);
  if (n.message) append(root, message(n.message));
  const compare = sideBySide(n.articles.docs, docs, spans);
  append(root, el("h3", {}, "Articles side by side"), compare.node);
  if (tables.text_quantities) append(root, quantitiesSection(rowsOf(tables.text_quantities), docs, compare));
  if (tables.text_labels) append(root, labelsMatrix(rowsOf(tables.text_labels), docs));
  if (tables.text_disagreements) append(root, disagreementsSection(rowsOf(tables.text_disagreements), docs, compare));
  if (tables.text_reuse) append(root, reuseSection(rowsOf(tables.text_reuse), rowsOf(tables.text_reuse_outlets), docs, compare));
  for (const name of ["text_documents", "text_attributions", "text_relations", "text_techniques", "text_reuse_outlets", "text_disagreements"]) {
    if (tables[name]) append(root, el("details", {}, el("summary", {}, `All rows of ${name}`), dataTable(tables[name].columns, tables[name].rows, { caption: name })));
  }
}

function spansByDoc(tables) {
  const spans = new Map();
  const add = (doc, span) => { if (!spans.has(doc)) spans.set(doc, []); spans.get(doc).push(span); };
  for (const t of rowsOf(tables.text_techniques)) {
    add(t.doc_id, { start: t.start, end: t.end, kind: "technique", note: `${t.technique}${t.score !== undefined && t.score !== null ? ` (score ${formatNumber(t.score)})` : ""}: ${TECHNIQUES[t.technique] || "a persuasion technique of the PTC scheme."}` });
  }
  for (const q of rowsOf(tables.text_quantities)) {
    const value = q.value_low === q.value_high ? formatNumber(q.value_low) : `${formatNumber(q.value_low)}–${formatNumber(q.value_high)}`;
    add(q.doc_id, { start: q.start, end: q.end, kind: "quantity", note: `Quantity ${q.qualifier ? `${q.qualifier} ` : ""}${value}${q.counted ? ` ${q.counted}` : ""}; ${q.attributed_to ? `credited to ${q.attributed_to}` : "asserted by the author"}${q.hedged ? "; hedged" : ""}.` });
  }
  for (const l of rowsOf(tables.text_labels)) {
    add(l.doc_id, { start: l.start, end: l.end, kind: `label ${l.polarity || "neutral"}`, note: `Characterises ${l.entity} as “${l.label}” (${l.polarity || "neutral"}).` });
  }
  for (const a of rowsOf(tables.text_attributions)) {
    add(a.doc_id, { start: a.start, end: a.end, kind: "attribution", note: `Attributed to ${a.source}.` });
  }
  return spans;
}

// Text split at every span boundary; each piece is marked with the spans covering it.
function highlighted(doc, spans, onNote) {
  const chars = codePoints(doc.text);
  const docSpans = (spans.get(doc.doc_id) || []).filter((s) => s.start >= 0 && s.end <= chars.length && s.start < s.end);
  const cuts = new Set([0, chars.length]);
  docSpans.forEach((s) => { cuts.add(s.start); cuts.add(s.end); });
  const points = [...cuts].sort((a, b) => a - b);
  const body = el("div", { class: "article-text" });
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const text = chars.slice(from, to).join("");
    const covering = docSpans.filter((s) => s.start <= from && s.end >= to);
    if (!covering.length) { body.append(document.createTextNode(text)); continue; }
    const note = covering.map((s) => s.note).join("\n");
    const mark = el("mark", { class: covering.map((s) => s.kind).join(" "), tabindex: "0", title: note, "data-start": from, "data-end": to }, text);
    mark.addEventListener("click", () => onNote(note));
    mark.addEventListener("focus", () => onNote(note));
    body.append(mark);
  }
  if (doc.cut) body.append(el("p", { class: "muted" }, "(text cut for the report)"));
  return body;
}

function sideBySide(list, docs, spans) {
  const panes = [0, 1].map((side) => {
    const select = el("select", { id: `article-${side}`, "aria-label": side ? "Right article" : "Left article" },
      list.map((d) => el("option", { value: d.doc_id }, `${d.outlet || "?"} — ${d.title || d.doc_id}`)));
    const note = el("p", { class: "note", "aria-live": "polite" }, "Focus or click a highlight to see what was found there.");
    const body = el("div", { class: "pane-body" });
    const show = (docId) => {
      select.value = docId;
      const doc = docs.get(docId);
      clear(body);
      note.textContent = "Focus or click a highlight to see what was found there.";
      if (!doc) return append(body, message("This article's text is not in the report."));
      append(body,
        el("h4", {}, doc.title || doc.doc_id),
        el("p", { class: "muted" }, [doc.outlet, formatTime(doc.published), doc.doc_id].filter(Boolean).join(" · "), " ", doc.url ? safeLink(doc.url) : null),
        highlighted(doc, spans, (text) => { note.textContent = text; }));
    };
    select.addEventListener("change", () => show(select.value));
    return { node: el("div", { class: "pane" }, select, note, body), show, body };
  });
  if (list.length) panes[0].show(list[0].doc_id);
  if (list.length > 1) panes[1].show(list[1].doc_id);
  const legend = el("p", { class: "chart-legend" }, el("mark", { class: "technique" }, "technique"), " ", el("mark", { class: "quantity" }, "quantity"), " ",
    el("mark", { class: "label negative" }, "label (negative)"), " ", el("mark", { class: "label positive" }, "label (positive)"), " ",
    el("mark", { class: "attribution" }, "attribution"), " — focus or click a highlight for its explanation.");
  const node = el("div", {}, list.length ? legend : message("No articles."), el("div", { class: "side-by-side" }, panes.map((p) => p.node)));
  const open = (docA, startA, docB, startB) => {
    panes[0].show(docA);
    panes[1].show(docB);
    node.scrollIntoView({ block: "start" });
    [[panes[0], startA], [panes[1], startB]].forEach(([pane, start]) => {
      const target = [...pane.body.querySelectorAll("mark")].find((m) => Number(m.getAttribute("data-start")) <= start && Number(m.getAttribute("data-end")) > start);
      if (target) target.scrollIntoView({ block: "center" });
    });
  };
  return { node, open };
}

function passage(docs, docId, start, end) {
  const doc = docs.get(docId);
  return el("blockquote", {}, el("p", {}, excerpt(doc, start, end)), el("footer", {}, [doc?.outlet, docId].filter(Boolean).join(" · ")));
}

function quantitiesSection(rows, docs, compare) {
  return el("section", {}, el("h3", {}, "Quantities and who they are credited to"),
    dataTable(["outlet", "article", "as written", "low", "high", "qualifier", "counted", "credited to", "hedged"],
      rows.map((q) => [docs.get(q.doc_id)?.outlet || "", q.doc_id, q.text, q.value_low, q.value_high, q.qualifier || "", q.counted || "", q.attributed_to || "(the author)", q.hedged]),
      { caption: "Numbers as each article states them" }));
}

function labelsMatrix(rows, docs) {
  const sources = [...new Set(rows.map((l) => docs.get(l.doc_id)?.outlet || l.doc_id))].sort();
  const actors = [...new Set(rows.map((l) => l.entity))].sort();
  const cells = new Map();
  for (const l of rows) {
    const key = `${l.entity}\n${docs.get(l.doc_id)?.outlet || l.doc_id}`;
    if (!cells.has(key)) cells.set(key, new Map());
    cells.get(key).set(`${l.label}\n${l.polarity}`, { label: l.label, polarity: l.polarity || "neutral" });
  }
  return el("section", {}, el("h3", {}, "How each source labels each actor"),
    el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Labels matrix" },
      el("table", { class: "matrix" },
        el("caption", {}, "Rows: actors named; columns: sources (outlets); cells: the labels used, coloured by polarity."),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "actor"), sources.map((s) => el("th", { scope: "col" }, s)))),
        el("tbody", {}, actors.map((actor) => el("tr", {}, el("th", { scope: "row" }, actor),
          sources.map((source) => el("td", {}, [...(cells.get(`${actor}\n${source}`) || new Map()).values()].map((l) =>
            el("span", { class: `pill ${l.polarity}` }, l.label))))))))));
}

const SHOWN_DISAGREEMENTS = 60;

function disagreementsSection(rows, docs, compare) {
  return el("section", {}, el("h3", {}, "Disagreements between sources"),
    rows.length > SHOWN_DISAGREEMENTS ? el("p", { class: "muted" }, `The first ${SHOWN_DISAGREEMENTS} of ${rows.length}; all are in the table at the end of this view.`) : null,
    el("ol", { class: "evidence" }, rows.slice(0, SHOWN_DISAGREEMENTS).map((d) => el("li", { class: "pair" },
      el("div", { class: "pair-head" }, el("span", { class: "kind" }, d.kind), " ", el("strong", {}, d.topic || ""), " — ", d.summary || ""),
      el("div", { class: "pair-posts" }, passage(docs, d.doc_a, d.start_a, d.end_a), passage(docs, d.doc_b, d.start_b, d.end_b)),
      button("Compare the two articles side by side", () => compare.open(d.doc_a, d.start_a, d.doc_b, d.start_b))))));
}

function reuseSection(rows, outletRows, docs, compare) {
  const outletOf = (doc) => docs.get(doc)?.outlet || doc;
  const links = new Map();
  if (outletRows.length && "source_outlet" in outletRows[0]) {
    // The text analysis' own outlet table: who was copied by whom, with how many passages.
    for (const r of outletRows) {
      if (r.source_outlet === r.copying_outlet) continue;
      const key = [r.source_outlet, r.copying_outlet].sort().join("\n");
      links.set(key, (links.get(key) || 0) + (r.n_passages || 1));
    }
  } else {
    for (const r of rows) {
      const [a, b] = [outletOf(r.doc_a), outletOf(r.doc_b)].sort();
      if (a === b) continue;
      links.set(`${a}\n${b}`, (links.get(`${a}\n${b}`) || 0) + 1);
    }
  }
  const outlets = [...new Set([...links.keys()].flatMap((k) => k.split("\n")))].sort();
  const size = 420, radius = 150, centre = size / 2;
  const position = new Map(outlets.map((o, i) => [o, [centre + radius * Math.cos((2 * Math.PI * i) / outlets.length), centre + radius * Math.sin((2 * Math.PI * i) / outlets.length)]]));
  const max = Math.max(1, ...links.values());
  const graph = svg("svg", { viewBox: `0 0 ${size} ${size}`, class: "chart reuse", role: "img", "aria-label": "Outlets joined by the passages they share" });
  graph.append(svg("title", {}, "Outlets joined by the passages they share"));
  for (const [key, count] of links) {
    const [a, b] = key.split("\n");
    const line = svg("line", { x1: position.get(a)[0], y1: position.get(a)[1], x2: position.get(b)[0], y2: position.get(b)[1], "stroke-width": 1 + (5 * count) / max, class: "reuse-link" });
    line.append(svg("title", {}, `${a} and ${b}: ${count} shared passages`));
    graph.append(line);
  }
  for (const [name, [x, y]] of position) {
    graph.append(svg("circle", { cx: x, cy: y, r: 7, fill: "#1f77b4" }));
    graph.append(svg("text", { x, y: y + (y > centre ? 20 : -12), "text-anchor": "middle", class: "axis" }, name));
  }
  const best = [...rows].sort((x, y) => (y.similarity || 0) - (x.similarity || 0)).slice(0, 60);
  return el("section", {}, el("h3", {}, "Passages reused between outlets"),
    outlets.length ? graph : message("No passage is shared between two different outlets."),
    el("ol", { class: "evidence" }, best.map((r) => el("li", { class: "pair" },
      el("div", { class: "pair-head" }, `similarity ${formatNumber(r.similarity)}`, r.cluster_id !== undefined ? ` · reuse cluster ${r.cluster_id}` : ""),
      el("div", { class: "pair-posts" }, passage(docs, r.doc_a, r.start_a, r.end_a), passage(docs, r.doc_b, r.start_b, r.end_b)),
      button("Compare side by side", () => compare.open(r.doc_a, r.start_a, r.doc_b, r.start_b))))));
}
