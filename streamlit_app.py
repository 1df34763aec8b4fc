"""Entry point for `streamlit run streamlit_app.py` and Streamlit Community Cloud."""

from mapapp.app.ui import main

main()
