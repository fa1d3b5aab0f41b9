"""The analyst's view: everything the workspace's result tables hold, gathered into one
JSON document (`views.report_data`) and shown by one front end, either inlined into a
self-contained HTML file (`html.write_report`) or served by the local web app
(`inconcert.web`).
"""
