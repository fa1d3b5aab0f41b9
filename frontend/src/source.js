// Where the data comes from: the JSON block inlined in a report file, or the web app's
// JSON API (same document, plus filters, per-edge evidence and full-text search).

export function openSource() {
  const block = document.getElementById("inconcert-data");
  if (block) {
    const started = performance.now();
    const data = JSON.parse(block.textContent);
    window.__inconcert.timings.parse = Math.round(performance.now() - started);
    return inlineSource(data);
  }
  return apiSource();
}

function inlineSource(data) {
  return {
    mode: "report",
    load: async () => data,
    evidence: async (a, b) => {
      const pairs = data.evidence?.pairs?.[`${a}\n${b}`];
      if (!pairs) return null;
      return { account_a: a, account_b: b, pairs, posts: data.evidence.posts, total_pairs: null };
    },
    search: async (query) => searchInline(data, query),
  };
}

function searchInline(data, query) {
  const needle = query.toLocaleLowerCase();
  const posts = Object.entries(data.evidence?.posts || {})
    .filter(([, post]) => (post.text || "").toLocaleLowerCase().includes(needle))
    .slice(0, 100)
    .map(([post_id, post]) => ({ post_id, ...post }));
  const articles = (data.narratives?.articles?.docs || [])
    .filter((doc) => `${doc.title || ""}\n${doc.text || ""}`.toLocaleLowerCase().includes(needle))
    .slice(0, 50)
    .map((doc) => ({ doc_id: doc.doc_id, outlet: doc.outlet, title: doc.title, published: doc.published,
      snippet: snippet(doc.text || "", needle) }));
  return { posts, articles, scope: "the posts and articles inlined in this report" };
}

function snippet(text, needle) {
  const at = text.toLocaleLowerCase().indexOf(needle);
  if (at < 0) return text.slice(0, 200);
  return (at > 80 ? "…" : "") + text.slice(Math.max(0, at - 80), at + needle.length + 120) + "…";
}

function apiSource() {
  const get = async (path, params = {}) => {
    const url = new URL(path, window.location.href);
    for (const [name, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
    }
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  return {
    mode: "app",
    load: (filters = {}) => get("api/report", filters),
    evidence: (a, b, filters = {}) => get("api/evidence", { a, b, since: filters.since, until: filters.until, kind: filters.kind }),
    search: (query) => get("api/search", { q: query }),
  };
}
