"""Articles from the web: pages, saved pages and feeds taken in as articles of the seeds folder.

webfetch (bounded HTTP and named files) -> pagetext (the page's encoding, its article text and
metadata) and feeds (a feed's entry links) -> catalog (what the seeds folder already holds: sources,
reprints) -> articlestore (the write, through mapapp.curation.store) -> ingest (one outcome per
source), watch (polling feeds). No UI here: the CLI (`python -m mapapp ingest`) and the app's
"add an article" call the same functions. Imports the shared ground, mapapp.pipeline and
mapapp.curation (never map/, app/ or streamlit).
"""
