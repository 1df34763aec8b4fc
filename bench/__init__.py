"""Measuring tools, never imported by the app: the benchmark (`python -m bench.bench`), the load test
(`python -m bench.loadtest`), a client for Streamlit's websocket protocol, the helper that starts
the app on loopback, the click-point probe shared with the browser tests, and the baseline app.

May import mapapp (and streamlit, playwright); mapapp never imports bench.
"""
