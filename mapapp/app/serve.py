"""Streamlit's own server for the page, which runs the page once through its own port as soon as it
answers, so that its first reader does not make the first run alone.

`streamlit run streamlit_app.py` imports the page's modules (folium, pandas, ...: ~0.7 s) and fills
its caches (the index file opened, the map rendered once: ~1 s at 10,000 articles) in the first
reader's run. Here a background thread runs the page (mapapp.app.warmup) the moment the server
accepts connections; a reader who comes meanwhile loads the page's HTML and scripts while that run
goes on, and then takes its imports and caches instead of making its own:

    python -m mapapp.app.serve [SCRIPT] [streamlit run options...]

SCRIPT is streamlit_app.py by default; the options are `streamlit run`'s (--server.port P ...).
scripts/serve.sh does not need it: it runs each replica's warm-up itself and lets readers in after.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from streamlit.web import cli

from mapapp.app.warmup import WarmUpError, warm_up
from mapapp.paths import ROOT_DIR

DEFAULT_PORT = 8501  # Streamlit's


def option_value(args: Sequence[str], name: str) -> str | None:
    """The value of `--name VALUE` or `--name=VALUE` in `args` (the last one given), else None."""
    value = None
    for k, arg in enumerate(args):
        if arg == name and k + 1 < len(args):
            value = args[k + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def _warm(host: str, port: int) -> None:
    try:
        seconds = warm_up(host, port)
    except WarmUpError as error:
        print(f"warm-up: {error}", file=sys.stderr)  # the server still serves; its first reader waits
        return
    print(f"warm-up: {host}:{port} ran the page in {seconds:.2f} s", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    script = ROOT_DIR / "streamlit_app.py"
    if args and not args[0].startswith("-"):
        script = Path(args.pop(0))
    port_text = option_value(args, "--server.port") or str(DEFAULT_PORT)
    if not port_text.isdigit():
        print(f"serve: --server.port is '{port_text}'; expected a TCP port number", file=sys.stderr)
        return 2
    address = option_value(args, "--server.address") or "127.0.0.1"
    host = "127.0.0.1" if address in ("0.0.0.0", "::", "") else address
    threading.Thread(target=_warm, args=(host, int(port_text)), daemon=True).start()
    sys.argv = ["streamlit", "run", str(script), *args]
    cli.main()  # click: serves until stopped, then exits the process itself
    return 0


if __name__ == "__main__":
    sys.exit(main())
