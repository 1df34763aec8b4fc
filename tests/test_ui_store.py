"""The app on an index file (QZ_INDEX_PATH): it builds the file when missing, reads articles and
excerpts from it, searches in it, and sends an article's full text only when the place panel asks
for it (a dialog). streamlit.testing, no browser; the tiny test corpus."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from mapapp.paths import ROOT_DIR
from mapapp.pipeline.fingerprint import fingerprint_data
from mapapp.pipeline.store import stored_digest
from tests.datafactory import DataFolders, copy_tiny_data

APP = str(ROOT_DIR / "streamlit_app.py")
GYM = "衢江区体育馆"


def _start(monkeypatch, tmp_path, **query: str) -> tuple[AppTest, DataFolders]:
    folders = copy_tiny_data(tmp_path / "data")
    for name, value in folders.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("QZ_INDEX_PATH", str(tmp_path / "index.sqlite"))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at, folders


def _gym_id(tmp_path) -> str:
    features = json.loads((tmp_path / "data" / "geodata" / "subset.geojson").read_text(encoding="utf-8"))["features"]
    return next(f["properties"]["id"] for f in features if f["properties"]["name_zh"] == GYM)


def test_the_app_builds_the_missing_index_file_and_serves_from_it(monkeypatch, tmp_path):
    at, folders = _start(monkeypatch, tmp_path)
    path = tmp_path / "index.sqlite"
    assert path.is_file()
    assert stored_digest(path) == fingerprint_data(folders.seeds_dir, folders.geodata_dir, folders.layers_dir).digest
    gym_id = _gym_id(tmp_path)
    at.text_input(key="w_search").input("体育").run()  # searched in SQLite
    at.button(key=f"w_hit_{gym_id}").click().run()
    assert not at.exception
    assert at.query_params["feature"] == gym_id


def test_an_articles_full_text_is_sent_only_when_the_panel_asks_for_it(monkeypatch, tmp_path):
    from mapapp.app import ui
    from mapapp.app.selection import PanelAction

    _start(monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=120)
    gym_id = _gym_id(tmp_path)
    at.query_params["feature"] = gym_id
    at.run()
    assert not [h for h in at.get("html") if 'class="qz-article' in h.proto.body]  # no article text sent
    # The panel's "read the whole article" (reader.js sets the map's value; ui takes it as this action).
    at.session_state[ui.DIALOG_KEY] = PanelAction("read", gym_id, "t1_port.txt", 1)
    at.run()
    assert not at.exception
    texts = [h.proto.body for h in at.get("html") if 'class="qz-article' in h.proto.body]
    assert len(texts) == 1 and "qz-mention" in texts[0]  # one article, its mentions linked
    at.run()  # the next run (a search, say) does not open it again
    assert not [h for h in at.get("html") if 'class="qz-article' in h.proto.body]
