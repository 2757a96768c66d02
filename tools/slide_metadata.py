"""Give every notebook cell its slide type, so each notebook presents as a deck.

Usage: python -m tools.slide_metadata [--reset] [NOTEBOOK ...]   (default: all)

Sets ``cell.metadata.slideshow.slide_type``, the field JupyterLab's property
inspector, jupyterlab-rise and nbconvert's slides read, and nothing else: the
sources and outputs stay as they are, so nbval is unaffected. Without
``--reset`` only cells without a slide type get one (an instructor's own
choices stay); ``--reset`` recomputes every cell. The rules, first match wins:

- exercises and solutions are left out ("skip"): every cell from
  ``## Exercises`` or ``## Solutions`` to the next level-1/2 heading, and any
  cell holding a ``### BEGIN SOLUTION`` marker;
- a Markdown cell that starts with a level-1 or level-2 heading starts a slide
  ("slide"), one with a level-3 heading a sub-slide ("subslide");
- a code cell that only checks (``assert`` / ``np.testing`` statements and no
  output) is left out ("skip"), and the Markdown cell that introduces only such
  checks becomes speaker notes ("notes", key S in the deck);
- a code cell with a figure is a fragment: its lead-in sentence says what
  the plot shows, the next key press shows it ("fragment");
- a Markdown lead-in that follows a shown code cell starts a sub-slide: one
  step of the lesson per slide, readable at 1280×720 ("subslide");
- everything else stays on the slide before it ("-").

The notebook's own ``metadata.rise`` (the live slideshow's settings, read by
jupyterlab-rise) is set too, where missing: reveal.js's "white" theme (the
default "simple" theme loads fonts from Google), a 1280×720 canvas like the
static decks, slides that scroll, and the show starting at the first slide.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from tools.notebooks import write_notebook_atomic

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"

SHOWN = ("slide", "subslide", "fragment", "-")
RISE_SETTINGS = {
    "theme": "white",
    "transition": "none",
    "start_slideshow_at": "beginning",
    "width": 1280,
    "height": 720,
    "scroll": True,
    "center": False,
    "slideNumber": "c/t",
}
HIDDEN_SECTIONS = ("exercises", "solutions")
_SOLUTION_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END)\s+SOLUTION\b", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


def heading(cell: nbformat.NotebookNode) -> tuple[int, str] | None:
    """Return (level, text) if a Markdown cell starts with a heading, else None."""
    if cell.cell_type != "markdown":
        return None
    lines = [line for line in cell.source.splitlines() if line.strip()]
    match = _HEADING.match(lines[0].strip()) if lines else None
    return (len(match.group(1)), match.group(2)) if match else None


def has_solution(cell: nbformat.NotebookNode) -> bool:
    """Whether the cell holds a solution marker (### BEGIN/END SOLUTION)."""
    return bool(_SOLUTION_MARKER.search(cell.source))


def has_figure(cell: nbformat.NotebookNode) -> bool:
    """Whether a code cell has an image output."""
    return cell.cell_type == "code" and any(
        mime in output.get("data", {})
        for output in cell.get("outputs", [])
        for mime in _IMAGE_MIMES
    )


def _is_check_call(node: ast.AST) -> bool:
    """Whether an expression statement calls np.testing.* / numpy.testing.*."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    name = ast.unparse(node.value.func)
    return name.startswith(("np.testing.", "numpy.testing."))


def is_check_only(cell: nbformat.NotebookNode) -> bool:
    """Whether a code cell only asserts (no other statement, no output)."""
    if cell.cell_type != "code" or cell.get("outputs") or not cell.source.strip():
        return False
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:  # IPython magics: not a plain check
        return False
    return bool(body) and all(
        isinstance(node, ast.Assert) or _is_check_call(node) for node in body
    )


def hidden_sections(nb: nbformat.NotebookNode) -> list[bool]:
    """For each cell, whether it lies in an Exercises or Solutions section."""
    hidden, inside = [], False
    for cell in nb.cells:
        found = heading(cell)
        if found and found[0] <= 2:
            inside = found[1].strip().lower().rstrip(":") in HIDDEN_SECTIONS
        hidden.append(inside)
    return hidden


def _introduces_only_checks(nb: nbformat.NotebookNode, index: int) -> bool:
    """Whether the code cells after Markdown cell ``index`` are all checks."""
    following = []
    for cell in nb.cells[index + 1 :]:
        if cell.cell_type == "markdown":
            break
        following.append(cell)
    return bool(following) and all(is_check_only(c) for c in following)


def slide_types(nb: nbformat.NotebookNode) -> list[str]:
    """Return the slide type the rules above give each cell of the notebook."""
    types: list[str] = []
    previous_shown = None  # the last cell that is on a slide
    hidden = hidden_sections(nb)
    for index, cell in enumerate(nb.cells):
        found = heading(cell)
        if hidden[index] or has_solution(cell) or is_check_only(cell):
            kind = "skip"
        elif found:
            kind = "slide" if found[0] <= 2 else "subslide"
        elif cell.cell_type == "markdown" and _introduces_only_checks(nb, index):
            kind = "notes"
        elif cell.cell_type == "code":
            kind = "fragment" if has_figure(cell) else "-"
        elif previous_shown is not None and previous_shown.cell_type == "code":
            kind = "subslide"
        else:
            kind = "-"
        if kind in SHOWN:
            previous_shown = cell
        types.append(kind)
    shown = [i for i, kind in enumerate(types) if kind in SHOWN]
    if shown:
        types[shown[0]] = "slide"  # a deck starts with a slide
    return types


def apply(nb: nbformat.NotebookNode, reset: bool = False) -> int:
    """Set the slide type of each cell (only missing ones unless ``reset``).

    Returns:
        How many cells changed (and 1 more if the live-slideshow settings did).
    """
    changed = 0
    if reset or "rise" not in nb.metadata:
        if nb.metadata.get("rise") != RISE_SETTINGS:
            nb.metadata["rise"] = dict(RISE_SETTINGS)
            changed += 1
    for cell, kind in zip(nb.cells, slide_types(nb), strict=True):
        slideshow = cell.metadata.get("slideshow", {})
        if not reset and slideshow.get("slide_type"):
            continue
        if slideshow.get("slide_type") != kind:
            cell.metadata["slideshow"] = {**slideshow, "slide_type": kind}
            changed += 1
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--reset", action="store_true", help="recompute every cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        changed = apply(nb, reset=args.reset)
        if changed:
            write_notebook_atomic(nb, path)
        print(f"slide_metadata: {path.name}: {changed} cells changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
