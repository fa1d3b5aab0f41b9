// Building the page from untrusted data: every text goes in through text nodes, never
// through HTML parsing, and only http(s) URLs ever become links.

const FORBIDDEN_ATTRIBUTES = /^(on|href$|src$|srcdoc$|style$|formaction$|xlink:href$)/i;

export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  append(node, children);
  return node;
}

export function svg(tag, attributes, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  setAttributes(node, attributes);
  append(node, children);
  return node;
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.setAttribute("class", value);
    else if (name === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (FORBIDDEN_ATTRIBUTES.test(name)) throw new Error(`attribute ${name} is not set from data`);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
}

export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// A link only for http and https; anything else (javascript:, data:, vbscript:) stays text.
export function safeLink(url, text) {
  const label = text ?? url;
  if (typeof url !== "string") return el("span", {}, label ?? "");
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return el("span", { class: "url" }, label);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return el("span", { class: "url" }, label);
  const link = el("a", { rel: "noopener noreferrer nofollow", target: "_blank", class: "url" }, label);
  link.href = parsed.href;
  return link;
}

export function button(label, onClick, attributes = {}) {
  return el("button", { type: "button", ...attributes, on: { click: onClick } }, label);
}

export function message(text) {
  return el("p", { class: "empty", role: "status" }, text);
}

export function formatNumber(value) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
  }
  return String(value);
}

export function formatTime(iso) {
  if (!iso) return "";
  return String(iso).replace("T", " ").replace(/(\.\d+)?(\+00:00|Z)?$/, "") + " UTC";
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 120) return `${formatNumber(Math.round(seconds * 10) / 10)} s`;
  if (seconds < 7200) return `${formatNumber(Math.round(seconds / 6) / 10)} min`;
  return `${formatNumber(Math.round(seconds / 360) / 10)} h`;
}

// A table whose cells are text; `cell` may return a node for a column that needs one.
export function dataTable(columns, rows, { caption, cell } = {}) {
  const head = el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c)));
  const body = rows.map((row) =>
    el("tr", {}, columns.map((c, i) => {
      const custom = cell ? cell(c, row[i], row) : undefined;
      const value = custom !== undefined ? custom : formatCell(row[i]);
      return el("td", { class: typeof row[i] === "number" ? "num" : null }, value);
    }))
  );
  return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption || "table" },
    el("table", {}, caption ? el("caption", {}, caption) : null, el("thead", {}, head), el("tbody", {}, body)));
}

function formatCell(value) {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return formatNumber(value);
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// CSV for downloads: RFC 4180 quoting, and cells that a spreadsheet would run as a
// formula (=, +, -, @, tab, carriage return first) get a leading apostrophe.
export function toCsv(columns, rows) {
  const quote = (value) => {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(quote).join(",")).join("\r\n") + "\r\n";
}

export function downloadText(filename, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { download: filename });
  link.href = url;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
