// Builds the one script and one stylesheet that the report inlines and the web app serves.
// Output goes inside the Python package so that users need no Node: `npm ci && npm run build`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.join(here, "..", "src", "inconcert", "report", "assets");

const script = await build({
  metafile: true,
  entryPoints: { inconcert: path.join(here, "src", "main.js") },
  outdir: assets,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  charset: "utf8",
  logLevel: "info",
});

await build({
  entryPoints: { inconcert: path.join(here, "src", "style.css") },
  outdir: assets,
  bundle: true,
  minify: true,
  charset: "utf8",
  logLevel: "info",
});

// The bundled packages' licences travel with the bundle, at its head.
const packages = [...new Set(Object.keys(script.metafile.inputs)
  .map((input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean))].sort();
const notices = packages.map((name) => {
  const folder = path.join(here, "node_modules", name);
  const { version, license } = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));
  const file = fs.readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? fs.readFileSync(path.join(folder, file), "utf8").trim() : `${license} licence`;
  return `${name} ${version}\n\n${text}`;
});
const output = path.join(assets, "inconcert.js");
const header = `/*! inconcert front end (Apache-2.0). It bundles:\n\n${notices.join("\n\n----\n\n").replace(/\*\//g, "* /")}\n*/\n`;
fs.writeFileSync(output, header + fs.readFileSync(output, "utf8"));
