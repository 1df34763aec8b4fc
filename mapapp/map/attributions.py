"""The credit lines the map must show, read from the per-theme source lists in geodata/sources/*.md."""

from __future__ import annotations

from pathlib import Path


def load_source_attributions(sources_dir: Path) -> tuple[str, ...]:
    """Every distinct attribution that geodata/sources/*.md asks the map to show, as plain text.

    A file lists them in the column of its source table whose header names the attribution
    ("attribution the map shows"); a file without such a table gives its `Attribution:` line,
    else its first heading.
    """
    lines: list[str] = []
    for path in sorted(sources_dir.glob("*.md")) if sources_dir.is_dir() else []:
        for found in attributions_in_markdown(path.read_text(encoding="utf-8")):
            if found not in lines:
                lines.append(found)
    return tuple(lines)


def attributions_in_markdown(text: str) -> list[str]:
    found: list[str] = []
    heading = ""
    column: int | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("|"):
            column = None
            key, _, value = line.lstrip("-* ").replace("**", "").partition(":")
            if key.strip().lower() == "attribution" and value.strip():
                found.append(value.strip().strip("`"))
            if not heading and line.startswith("#"):
                heading = line.lstrip("#").strip()
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if column is None:
            column = next((i for i, cell in enumerate(cells) if "attribution" in cell.lower()), None)
            continue
        if column < len(cells) and not set(cells[column]) <= set("-: "):
            value = cells[column]
            if value.startswith('"') and value.endswith('"') and value.count('"') == 2:
                value = value[1:-1]
            if value and not _is_remark(value):
                found.append(value)
    return found or ([heading] if heading else [])


def _is_remark(cell: str) -> bool:
    """A cell that talks about the credit instead of giving one: "as in seeds/articles.toml",
    "(not shown on the map: used only to verify the datum)"."""
    text = cell.lower()
    return text.startswith("as in ") or (text.startswith("(") and "not shown" in text)
