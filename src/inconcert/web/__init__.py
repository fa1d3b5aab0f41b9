"""`inconcert serve`: the report's views over a live workspace, opened read-only, with
filters, full-text search and a documented JSON API (`/openapi.json`)."""
