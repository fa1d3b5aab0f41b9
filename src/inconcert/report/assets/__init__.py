"""The front end, built from frontend/ by esbuild (`npm ci && npm run build` there) and
kept here so that users need no Node: inlined into reports, served by the web app."""
