"""The language an article is written in: `lang` in seeds/articles.toml, else detected from its text.

Detection is py3langid's (a maintained fork of langid.py, BSD-3-Clause), whose naive-Bayes model
ships inside the package (py3langid/data/model.npz.xz: nothing is downloaded), restricted to the
languages the pipeline reads (corpus.ARTICLE_LANGS). The model is loaded once per process, and only
when an article has no declared language.
"""

from __future__ import annotations

from functools import cache
from typing import Any

DETECT_CHARS = 500  # the opening of an article tells its language (8 ms for 4,000 characters, 0.6 ms for 500)
READ_LANGS = ("zh", "en")  # the languages the pipeline has a reading for (corpus.ARTICLE_LANGS)


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(READ_LANGS))
    return identifier


def detect_language(text: str) -> str:
    """ "zh" or "en": the language py3langid finds the text written in (among READ_LANGS)."""
    language, _score = _identifier().classify(text[:DETECT_CHARS])
    return str(language)


def article_language(text: str, declared: str | None) -> tuple[str, bool]:
    """(the article's language, whether it was detected rather than declared in articles.toml)."""
    if declared:
        return declared, False
    return detect_language(text), True
