"""Figures in the slides and handouts: a text alternative for each, a still for widgets.

Both exporters (tools/build_html.py, tools/build_slides.py) run these on a copy
of each executed notebook before rendering; the notebooks are not changed.

- **Alt text.** Every image output gets ``metadata[mime]["alt"]``: the cell's
  ``metadata["alt"]`` where an author wrote one (a string, or a list with one
  entry per figure), else the figure's lead-in, the Markdown paragraph just
  before the cell, as plain text ("The plot shows ...").
- **Widgets.** A saved notebook holds no widget state, so nbconvert could show
  only the bare ``VBox(...)`` text of an ipywidgets output. Each widget view
  becomes a short note and a still picture instead: an image from the same
  cell if it has one, else the first figure of the cell tagged ``widget-still``
  (the figure the widget draws, computed further down), else the next figure
  of the notebook.
"""

from __future__ import annotations

import copy
import html
import re

import mistune
import nbformat

IMAGE_MIMES = ("image/png", "image/jpeg")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STILL_TAG = "widget-still"
MAX_ALT_CHARS = 300
WIDGET_NOTE = (
    "*Interactive widget: run this notebook in JupyterLab to use it. "
    "Below, a still picture of what it draws.*"
)


def plain_text(markdown: str) -> str:
    """Return Markdown as one line of plain text (TeX kept, markup removed)."""
    rendered = mistune.html(markdown)
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    return re.sub(r"\s+", " ", text).strip()


def _shorten(text: str, limit: int = MAX_ALT_CHARS) -> str:
    """Cut text after the last full sentence that fits in ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > 0 else cut.rsplit(" ", 1)[0] + " …"


def lead_in(nb: nbformat.NotebookNode, index: int) -> str:
    """Return the last paragraph of the Markdown cell just before cell ``index``."""
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown":
            blocks = [b for b in re.split(r"\n\s*\n", cell.source) if b.strip()]
            return _shorten(plain_text(blocks[-1])) if blocks else ""
        if cell.cell_type == "code" and _images(cell):
            return ""  # another figure lies between: its lead-in is not this one's
    return ""


def _images(cell: nbformat.NotebookNode) -> list[tuple[dict, str]]:
    """Return (output, mime) for every image output of a code cell."""
    found = []
    for output in cell.get("outputs", []):
        for mime in IMAGE_MIMES:
            if mime in output.get("data", {}):
                found.append((output, mime))
                break
    return found


def _set_alt(output: dict, mime: str, text: str) -> None:
    output.setdefault("metadata", {}).setdefault(mime, {})["alt"] = text


def add_alt_text(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give every image output of the notebook alt text (in place); return it."""
    for index, cell in enumerate(nb.cells):
        images = _images(cell) if cell.cell_type == "code" else []
        if not images:
            continue
        written = cell.metadata.get("alt")
        texts = [written] * len(images) if isinstance(written, str) else written or []
        fallback = lead_in(nb, index) or f"Figure from code cell {index}"
        for k, (output, mime) in enumerate(images):
            text = texts[k] if k < len(texts) and texts[k] else fallback
            if len(images) > 1 and not (k < len(texts) and texts[k]):
                text = f"{text} (figure {k + 1} of {len(images)})"
            _set_alt(output, mime, text)
    return nb


def _still_for(nb: nbformat.NotebookNode, index: int) -> tuple[dict, str] | None:
    """Return the (output, mime) to show in place of cell ``index``'s widget."""
    tagged = [c for c in nb.cells if STILL_TAG in c.metadata.get("tags", [])]
    following = nb.cells[index + 1 :]
    for cell in [*tagged, *following]:
        if cell.cell_type == "code" and _images(cell):
            return _images(cell)[0]
    return None


def replace_widget_views(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Swap each widget-view output for a note and a still picture (in place)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        if not any(WIDGET_MIME in o.get("data", {}) for o in outputs):
            continue
        kept = [o for o in outputs if WIDGET_MIME not in o.get("data", {})]
        if not _images(cell):
            still = _still_for(nb, index)
            note = {"text/markdown": WIDGET_NOTE, "text/plain": WIDGET_NOTE}
            kept.append(nbformat.v4.new_output("display_data", data=note))
            if still is not None:
                output, mime = still
                picture = nbformat.v4.new_output(
                    "display_data", data={mime: output["data"][mime]}
                )
                alt = output.get("metadata", {}).get(mime, {}).get("alt", "")
                _set_alt(picture, mime, f"Still picture of the widget. {alt}".strip())
                kept.append(picture)
        cell.outputs = kept
    return nb


def prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of the notebook with alt text and widget stills, for export."""
    nb = add_alt_text(copy.deepcopy(nb))
    return replace_widget_views(nb)
