"""Render the executed notebooks to static HTML handouts, with an index (`make html`).

Usage: python -m tools.build_html [--notebooks DIR] [--out DIR]
       (defaults: notebooks/ and build/html/)

Every notebook becomes ``<out>/<name>.html`` (nbconvert's HTML exporter, "lab"
template): figures are embedded as data URIs, so each page is one file a
student can read without running anything. ``<out>/index.html`` lists the
notebooks in lecture order (file-name order), one line each: the notebook's
first heading, linked, and its first paragraph. Links between notebooks
(``02_x.ipynb``) point to the pages (``02_x.html``). The index notebook
(00_index.ipynb, for JupyterLab) is not rendered: index.html takes its place.

All notebooks are read and checked first (valid JSON and nbformat, every code
cell executed) and the pages rendered into a temporary folder, then moved into
place: an error names the notebook and leaves the output folder as it was.
"""

from __future__ import annotations

import html
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mistune
import nbformat
from nbconvert import HTMLExporter

from tools import figures, web_assets

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
OUT_DIR = ROOT / "build" / "html"
INDEX_NOTEBOOK = "00_index.ipynb"
COURSE_TITLE = "Artificial Neural Networks with Keras"

# A relative link to a notebook beside this one, e.g. href="02_x.ipynb#goals".
_NOTEBOOK_LINK = re.compile(r'href="([^"/:?#]+)\.ipynb(#[^"]*)?"')
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_NOT_A_PARAGRAPH = re.compile(r"^\s*(#|[-*+]\s|\d+[.)]\s|>|```|~~~|\||<|\$\$|!\[)")


class HtmlBuildError(Exception):
    """A notebook cannot be rendered; the message names it."""


@dataclass
class Page:
    """One rendered notebook: its file names, index line and HTML."""

    notebook: str
    page: str
    title: str
    summary: str
    html: str = ""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook; raise HtmlBuildError naming it if it is unusable.

    Args:
        path: the .ipynb file.

    Returns:
        The notebook, nbformat version 4.
    """
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except nbformat.reader.NotJSONError as exc:
        raise HtmlBuildError(f"{path}: not a valid notebook (not JSON): {exc}") from exc
    except (nbformat.ValidationError, KeyError, AttributeError, TypeError) as exc:
        message = str(exc).splitlines()[0]
        raise HtmlBuildError(f"{path}: not a valid notebook: {message}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise HtmlBuildError(f"{path}: cannot be read: {exc}") from exc
    unexecuted = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.source.strip() and not cell.execution_count
    ]
    if unexecuted:
        cells = ", ".join(map(str, unexecuted[:5]))
        raise HtmlBuildError(
            f"{path}: not executed (code cells {cells} have no output count); "
            "run `make notebooks` first"
        )
    return nb


def _inline_html(markdown: str) -> str:
    """Render one line of Markdown to HTML without the surrounding <p>."""
    rendered = mistune.html(markdown).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.DOTALL)


def notebook_summary(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """Return the notebook's first heading and first paragraph, as Markdown text."""
    title = paragraph = ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            lines = block.strip().splitlines()
            if not lines:
                continue
            heading = _HEADING.match(lines[0])
            if heading and not title:
                title = heading.group(1)
                rest = " ".join(line.strip() for line in lines[1:])
                if rest and not paragraph and not _NOT_A_PARAGRAPH.match(rest):
                    paragraph = rest
            elif not paragraph and not _NOT_A_PARAGRAPH.match(lines[0]):
                paragraph = " ".join(line.strip() for line in lines)
            if title and paragraph:
                return title, paragraph
    return title, paragraph


def _link_pages(text: str, pages: dict[str, str]) -> str:
    """Point links to notebooks that have a page (or the index) at the HTML file."""

    def replace(match: re.Match) -> str:
        target = pages.get(f"{match.group(1)}.ipynb")
        if target is None:
            return match.group(0)
        return f'href="{target}{match.group(2) or ""}"'

    return _NOTEBOOK_LINK.sub(replace, text)


def render_notebook(nb: nbformat.NotebookNode, path: Path, title: str) -> str:
    """Return a notebook as one HTML page (figures embedded, MathJax from assets/)."""
    exporter = HTMLExporter(
        template_name="course_lab",
        extra_template_basedirs=[str(web_assets.TEMPLATES_DIR)],
        extra_template_paths=[str(web_assets.TEMPLATES_DIR)],
        embed_images=True,
    )
    resources = {
        "metadata": {"name": title, "path": str(path.parent)},
        "assets_url": web_assets.ASSETS,
    }
    body, _ = exporter.from_notebook_node(figures.prepare(nb), resources=resources)
    return body


def _plain(markdown: str) -> str:
    """Return one line of Markdown as plain text (for titles and link labels)."""
    return html.unescape(re.sub(r"<[^>]+>", "", _inline_html(markdown))).strip()


def _navigation(previous: Page | None, following: Sequence[Page]) -> str:
    """Return the bar linking a page to the index and its neighbours."""
    link = '<a href="{}" rel="{}" style="color: #005a9c;">{}</a>'
    links = [link.format("index.html", "index", "All notebooks")]
    if previous is not None:
        label = html.escape(_plain(previous.title) or previous.notebook)
        links.append(link.format(previous.page, "prev", f"← {label}"))
    for page in following:
        label = html.escape(_plain(page.title) or page.notebook)
        links.append(link.format(page.page, "next", f"{label} →"))
    style = "font-family: system-ui, sans-serif; margin: 1em 0; padding: 0 1em;"
    return f'<nav class="handout-nav" style="{style}">' + " · ".join(links) + "</nav>"


def _add_navigation(page: str, nav: str) -> str:
    """Put the navigation bar at the top and the bottom of a rendered page."""
    page, top = re.subn(r"(<main[^>]*>)", lambda m: m.group(1) + nav, page, count=1)
    if not top:
        page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, page, count=1)
    return page.replace("</body>", nav + "</body>", 1)


def render_index(pages: Sequence[Page], title: str = COURSE_TITLE) -> str:
    """Return index.html: the pages in lecture order, one linked line each."""
    items = []
    for page in pages:
        heading = _inline_html(page.title or page.notebook)
        summary = _inline_html(page.summary) if page.summary else ""
        line = f'<a href="{html.escape(page.page)}">{heading}</a>'
        if summary:
            line += f'<br><span class="summary">{summary}</span>'
        items.append(f"    <li>{line}</li>")
    return _INDEX_TEMPLATE.format(
        title=html.escape(title), items="\n".join(items), count=len(pages)
    )


_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto;
           padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }}
    li {{ margin: 0.6rem 0; }}
    li > a {{ color: #005a9c; font-weight: 600; }}
    .summary {{ color: #444; font-size: 0.95em; }}
  </style>
</head>
<body>
  <h1>{title}</h1>
  <p>The course notebooks in lecture order ({count} in all), with every output,
  to read without running anything. To run and change them, open the
  notebooks in JupyterLab (<code>make lab</code>).</p>
  <ol>
{items}
  </ol>
</body>
</html>
"""


def _collect(notebooks_dir: Path) -> list[tuple[Path, nbformat.NotebookNode]]:
    if not notebooks_dir.is_dir():
        raise HtmlBuildError(f"{notebooks_dir}: not a folder of notebooks")
    paths = sorted(p for p in notebooks_dir.glob("*.ipynb") if p.name != INDEX_NOTEBOOK)
    if not paths:
        raise HtmlBuildError(f"{notebooks_dir}: no notebooks (*.ipynb) to render")
    return [(path, read_notebook(path)) for path in paths]


def build_html(
    notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR,
    out_dir: str | os.PathLike = OUT_DIR,
) -> list[Path]:
    """Render every notebook in a folder to ``out_dir``, plus index.html.

    Args:
        notebooks_dir: the folder of executed notebooks.
        out_dir: where the pages go (created if needed).

    Returns:
        The files written: index.html first, then the pages in lecture order.

    Raises:
        HtmlBuildError: a notebook is not valid or not executed (nothing written).
        web_assets.AssetsError: MathJax is not installed (`make assets`).
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    web_assets.check_installed()
    notebooks = _collect(notebooks_dir)
    pages = []
    for path, nb in notebooks:
        title, summary = notebook_summary(nb)
        pages.append(Page(path.name, f"{path.stem}.html", title, summary))
    targets = {p.notebook: p.page for p in pages} | {INDEX_NOTEBOOK: "index.html"}
    for i, (page, (path, nb)) in enumerate(zip(pages, notebooks, strict=True)):
        try:
            body = render_notebook(nb, path, _plain(page.title) or path.stem)
        except Exception as exc:  # nbconvert's errors do not name the notebook
            raise HtmlBuildError(f"{path}: cannot be rendered: {exc}") from exc
        nav = _navigation(pages[i - 1] if i else None, pages[i + 1 : i + 2])
        page.html = _add_navigation(_link_pages(body, targets), nav)
    index = _link_pages(render_index(pages), targets)
    files = [("index.html", index)] + [(page.page, page.html) for page in pages]
    return web_assets.publish(
        out_dir,
        files,
        pages="[0-9][0-9]_*.html",
        stylesheet="handout.css",
        packages=("mathjax",),
        error=HtmlBuildError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return web_assets.build_cli(
        build_html,
        argv,
        notebooks=NOTEBOOKS_DIR,
        out=OUT_DIR,
        errors=(HtmlBuildError,),
        what="pages",
    )


if __name__ == "__main__":
    sys.exit(main())
