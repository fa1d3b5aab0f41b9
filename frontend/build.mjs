// Builds the one script and one stylesheet that the report inlines and the web app serves.
// Output goes inside the Python package so that users need no Node: `npm ci && npm run build`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.join(here, "..", "src", "inconcert", "report", "assets");

await build({
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
