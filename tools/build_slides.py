"""Render the executed notebooks to reveal.js slide decks (`make slides`).

Usage: python -m tools.build_slides [--notebooks DIR] [--out DIR]
       (defaults: notebooks/ and build/slides/)

Writes, into ``<out>``:

- ``NN_name.slides.html``: one deck per notebook, in the order of its cells'
  slide metadata (``metadata.slideshow.slide_type``, set by
  tools/slide_metadata.py): "slide" and "subslide" start a slide, "fragment"
  builds it up, "notes" becomes speaker notes (key S), "skip" is left out
  (exercises and their solutions);
- ``lecture.slides.html``: the whole lecture in one deck, notebooks 00 to 07 in
  order;
- ``index.html``: links to all decks;
- ``assets/``: reveal.js and MathJax, copied from the pinned npm packages
  (tools/web_assets.py), so the decks load nothing from another host.

The notebooks are rendered as committed (never executed here); every code cell
must have run (`make notebooks`). Figures get alt text and widget outputs a
still picture (tools/figures.py). Links between notebooks point to the decks.
"""

from __future__ import annotations

import copy
import html
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

from tools import build_html, figures, web_assets

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "slides"
LECTURE_DECK = "lecture.slides.html"
SUFFIX = ".slides.html"
_NOTEBOOK_LINK = re.compile(r'href="([^"/:?#]+)\.ipynb(#[^"]*)?"')


class SlidesBuildError(Exception):
    """A notebook cannot be turned into slides; the message names it."""


def deck_name(notebook: Path | str) -> str:
    """Return the deck's file name for a notebook: 01_x.ipynb -> 01_x.slides.html."""
    return Path(notebook).stem + SUFFIX


def render_deck(nb: nbformat.NotebookNode, title: str) -> str:
    """Return one reveal.js deck (a single HTML file, assets from ./assets)."""
    exporter = SlidesExporter(
        template_name="course_reveal",
        extra_template_basedirs=[str(web_assets.TEMPLATES_DIR)],
        extra_template_paths=[str(web_assets.TEMPLATES_DIR)],
        reveal_url_prefix=f"{web_assets.ASSETS}/reveal",
        reveal_theme="white",
    )
    resources = {"metadata": {"name": title}, "assets_url": web_assets.ASSETS}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def lecture_notebook(
    notebooks: Sequence[nbformat.NotebookNode],
) -> nbformat.NotebookNode:
    """Join prepared notebooks into one, in order; each starts a new slide."""
    joined = nbformat.v4.new_notebook(metadata=copy.deepcopy(notebooks[0].metadata))
    for nb in notebooks:
        cells = copy.deepcopy(nb.cells)
        shown = [c for c in cells if _slide_type(c) not in ("skip", "notes")]
        if shown:
            shown[0].metadata.setdefault("slideshow", {})["slide_type"] = "slide"
        joined.cells.extend(cells)
    return joined


def _slide_type(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _link_decks(text: str, names: set[str]) -> str:
    """Point links to notebooks that have a deck at the deck."""

    def replace(match: re.Match) -> str:
        if f"{match.group(1)}.ipynb" not in names:
            return match.group(0)
        return f'href="{match.group(1)}{SUFFIX}{match.group(2) or ""}"'

    return _NOTEBOOK_LINK.sub(replace, text)


def render_index(decks: Sequence[tuple[str, str]]) -> str:
    """Return index.html linking the lecture deck and each notebook's deck."""
    items = "\n".join(
        f'    <li><a href="{html.escape(name)}">{html.escape(title)}</a></li>'
        for name, title in decks
    )
    return _INDEX.format(title=html.escape(build_html.COURSE_TITLE), items=items)


_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}: slides</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto;
           padding: 0 1rem; line-height: 1.5; }}
    a {{ color: #005a9c; }}
  </style>
</head>
<body>
  <h1>{title}: slides</h1>
  <p>Keys: → / space next, ← previous, F full screen, S speaker notes,
  Esc overview, ?print-pdf after the address to print.</p>
  <ul>
{items}
  </ul>
</body>
</html>
"""


def _collect(notebooks_dir: Path) -> list[tuple[Path, nbformat.NotebookNode]]:
    if not notebooks_dir.is_dir():
        raise SlidesBuildError(f"{notebooks_dir}: not a folder of notebooks")
    paths = sorted(notebooks_dir.glob("*.ipynb"))
    if not paths:
        raise SlidesBuildError(f"{notebooks_dir}: no notebooks (*.ipynb)")
    try:
        return [(path, build_html.read_notebook(path)) for path in paths]
    except build_html.HtmlBuildError as exc:
        raise SlidesBuildError(str(exc)) from exc


def _render(nb: nbformat.NotebookNode, title: str, names: set[str], what: str) -> str:
    try:
        return _link_decks(render_deck(nb, title), names)
    except Exception as exc:  # nbconvert's errors do not name the notebook
        raise SlidesBuildError(f"{what}: cannot be rendered as slides: {exc}") from exc


def build_slides(
    notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR,
    out_dir: str | os.PathLike = OUT_DIR,
) -> list[Path]:
    """Render one deck per notebook, the lecture deck and index.html into out_dir.

    Returns:
        The files written: index.html, the lecture deck, then one per notebook.

    Raises:
        SlidesBuildError: a notebook is not valid or not executed (nothing written).
        web_assets.AssetsError: reveal.js or MathJax is missing (`make assets`).
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    web_assets.check_installed()
    notebooks = _collect(notebooks_dir)
    names = {path.name for path, _ in notebooks}
    prepared = [figures.prepare(nb) for _, nb in notebooks]
    files, decks = [], []
    lecture = _render(
        lecture_notebook(prepared), build_html.COURSE_TITLE, names, "lecture"
    )
    files.append((LECTURE_DECK, lecture))
    decks.append((LECTURE_DECK, f"The whole lecture ({len(notebooks)} notebooks)"))
    for (path, nb), ready in zip(notebooks, prepared, strict=True):
        title = build_html._plain(build_html.notebook_summary(nb)[0]) or path.stem
        files.append((deck_name(path), _render(ready, title, names, str(path))))
        decks.append((deck_name(path), title))
    files.insert(0, ("index.html", render_index(decks)))
    return web_assets.publish(
        out_dir,
        files,
        pages=f"*{SUFFIX}",
        stylesheet="slides.css",
        packages=("mathjax", "reveal.js"),
        error=SlidesBuildError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return web_assets.build_cli(
        build_slides,
        argv,
        notebooks=NOTEBOOKS_DIR,
        out=OUT_DIR,
        errors=(SlidesBuildError,),
        what="decks",
    )


if __name__ == "__main__":
    sys.exit(main())
