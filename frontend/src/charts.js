// Small SVG charts drawn from arrays; labels are text nodes, colours presentation attributes.
import { el, formatNumber, svg } from "./dom.js";

// Stacked bars over time: one bar per bucket, one colour per series.
export function stackedBars({ times, series, title, bucket, marks = [] }) {
  const width = 900, height = 220, left = 48, bottom = 28, top = 10;
  const n = times.length;
  const totals = times.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const barWidth = (width - left - 8) / Math.max(n, 1);
  const y = (value) => top + (height - top - bottom) * (1 - value / max);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  for (const tick of [0, max / 2, max]) {
    chart.append(svg("line", { x1: left - 4, x2: width, y1: y(tick), y2: y(tick), class: "grid" }));
    chart.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", class: "axis" }, formatNumber(Math.round(tick))));
  }
  for (const mark of marks) {
    const from = times.findIndex((t) => t >= mark.from);
    if (from < 0) continue;
    let to = times.findIndex((t) => t >= mark.to);
    if (to < 0) to = n;
    const band = svg("rect", { x: left + from * barWidth, y: top, width: Math.max(barWidth, (to - from) * barWidth), height: height - top - bottom, class: "burst" });
    band.append(svg("title", {}, mark.label));
    chart.append(band);
  }
  times.forEach((t, i) => {
    let base = 0;
    for (const s of series) {
      const value = s.values[i] || 0;
      if (!value) continue;
      const rect = svg("rect", {
        x: left + i * barWidth + 0.5, width: Math.max(1, barWidth - 1),
        y: y(base + value), height: y(base) - y(base + value), fill: s.colour,
      });
      rect.append(svg("title", {}, `${t.slice(0, bucket === "hour" ? 13 : 10)} — ${s.name}: ${formatNumber(value)}`));
      chart.append(rect);
      base += value;
    }
  });
  const every = Math.max(1, Math.ceil(n / 8));
  times.forEach((t, i) => {
    if (i % every) return;
    chart.append(svg("text", { x: left + i * barWidth, y: height - 8, class: "axis" }, t.slice(0, bucket === "hour" ? 13 : bucket === "month" ? 7 : 10).replace("T", " ")));
  });
  const legend = el("p", { class: "chart-legend" }, series.map((s) => {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = s.colour;
    return el("span", {}, swatch, ` ${s.name} `);
  }));
  return el("figure", {}, chart, el("figcaption", {}, title), legend);
}

// Horizontal bars with a flagged share, one per object (hashtag, link, domain).
export function shareBars(rows, { label, value, share, title }) {
  const width = 900, rowHeight = 20, left = 330;
  const max = Math.max(1, ...rows.map(value));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${rows.length * rowHeight + 8}`, class: "chart", role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  rows.forEach((row, i) => {
    const total = ((width - left - 60) * value(row)) / max;
    const y = i * rowHeight + 4;
    chart.append(svg("text", { x: left - 6, y: y + 13, "text-anchor": "end", class: "axis" }, label(row).slice(0, 52)));
    chart.append(svg("rect", { x: left, y, width: Math.max(1, total), height: rowHeight - 5, fill: "#b8c2cc" }));
    chart.append(svg("rect", { x: left, y, width: Math.max(0, total * share(row)), height: rowHeight - 5, fill: "#d62728" }));
    chart.append(svg("text", { x: left + total + 4, y: y + 13, class: "axis" }, `${formatNumber(value(row))} · ${Math.round(share(row) * 100)}%`));
  });
  return el("figure", {}, chart, el("figcaption", {}, title));
}
