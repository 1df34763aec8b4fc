"""Stray language in the reader's interface: Chinese in English mode, English in Chinese mode.

The rule (issue 22): in English mode no Chinese except place names and quoted text (article text,
headlines, source titles and quotes, credits); in Chinese mode no English words except place names,
quoted text and a few proper names. The app marks every piece of such data in its HTML as not to be
translated, with its language (`<span lang="zh" translate="no">衢江区</span>`, mapapp.map.markup and
the panel's script) and never marks its own words so, so text inside such an element passes, and so
does text whose nearest `lang` is the other language. Names that Streamlit widgets show without
markup (headers, buttons) are taken out by `names` before checking.

`text_runs_from_html` turns an HTML fragment into (text, marker) runs, the marker being DATA inside a
translate="no" element, else the lang of its nearest ancestor that has one (or None); the browser
tests collect the same runs from the page with RUNS_JS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Proper names and notations a Chinese page shows as they are: the map library and data names in the
# credits line, the SI symbol in Leaflet's scale bar, and "English" naming itself in the language switch.
ZH_ALLOWED_WORDS = frozenset({"OpenStreetMap", "Leaflet", "GCJ", "WGS", "km", "English"})
# An English page names Chinese in Chinese in the language switch.
EN_ALLOWED_RUNS = frozenset({"中文"})
# Streamlit's own chrome, in English whatever the page's language: the skip link it puts before the
# page (shown only to keyboard focus) and Material icon names (drawn as icons, not read).
CHROME_JS_SELECTOR = '[data-testid="stSkipToContent"], [data-testid="stIconMaterial"]'
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "code"})


DATA = "data"  # the marker of a run inside a translate="no" element


@dataclass(frozen=True)
class Stray:
    text: str  # the run it was found in
    found: str  # the stray characters or word


def strays(runs: Iterable[tuple[str, str | None]], lang: str, names: Sequence[str] = ()) -> list[Stray]:
    """The runs of text that are in the other language where they should be in `lang`.

    `runs` are (text, marker): DATA (inside a translate="no" element) and a lang other than `lang`
    pass; `names` (place names, aliases) are taken out of the others first.
    """
    by_length = sorted({n for n in names if n}, key=len, reverse=True)
    found: list[Stray] = []
    for text, marked in runs:
        if marked == DATA or (marked is not None and marked != lang):
            continue
        rest = text
        for name in by_length:
            if name in rest:
                rest = rest.replace(name, " ")
        if lang == "en":
            found.extend(Stray(text, m.group()) for m in CJK.finditer(rest) if m.group() not in EN_ALLOWED_RUNS)
        else:
            found.extend(Stray(text, m.group()) for m in LATIN_WORD.finditer(rest) if m.group() not in ZH_ALLOWED_WORDS)
    return found


class _Runs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.runs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "input", "hr", "meta", "link", "wbr", "source", "circle", "path"):
            return
        given = dict(attrs)
        self.stack.append((tag, given.get("lang"), given.get("translate") == "no"))

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == tag:
                del self.stack[position:]
                return

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(tag in SKIPPED_TAGS for tag, _, _ in self.stack):
            return
        if any(untranslated for _, _, untranslated in self.stack):
            self.runs.append((data, DATA))
            return
        marked = next((lang for _, lang, _ in reversed(self.stack) if lang), None)
        self.runs.append((data, marked))


def text_runs_from_html(fragment: str) -> list[tuple[str, str | None]]:
    parser = _Runs()
    parser.feed(fragment)
    parser.close()
    return parser.runs


# In the page: every text node of a document (and of HTML strings it is given), with the lang of its
# nearest marked ancestor below <html> (Streamlit's own page says lang="en" whatever the language).
RUNS_JS = r"""
(args) => {
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE']);
  const runsOf = (root) => {
    const out = [];
    const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue;
      if (!text.trim()) continue;
      const el = node.parentElement;
      if (!el || el.closest('script, style, noscript, template, code, ' + args.chrome)) continue;
      if (el.closest('[translate="no"]')) { out.push([text, 'data']); continue; }
      const marked = el.closest('[lang]:not(html)');
      out.push([text, marked ? marked.getAttribute('lang') : null]);
    }
    return out;
  };
  const runs = runsOf(document.body);
  for (const html of (args && args.fragments) || []) {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    document.body.appendChild(holder);
    holder.style.display = 'none';
    runs.push(...runsOf(holder));
    holder.remove();
  }
  return runs;
}
"""
