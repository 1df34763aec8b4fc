"""Changes to the curated data: validated, written atomically under a lock, journalled, undoable.

No UI here: the CLI (`python -m mapapp curate ...`) and the app's curator mode call the same
functions. Imports the shared ground and mapapp.pipeline only (never map/, app/ or streamlit).
"""
