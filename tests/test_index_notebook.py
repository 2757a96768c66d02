"""notebooks/00_index.ipynb lists every notebook, in lecture order, with working links.

`make lab` opens on this index; a notebook missing from it is one students do
not find, and a link to a file that does not exist is a dead end.
"""

import re
from pathlib import Path
from urllib.parse import unquote

import nbformat

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
INDEX = NOTEBOOKS_DIR / "00_index.ipynb"
# A Markdown link [text](target), target without spaces.
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _index_cells() -> list:
    return nbformat.read(INDEX, as_version=4).cells


def _relative_links() -> list[str]:
    """Every link target in the index that is a file beside it (not a URL)."""
    targets = [
        target
        for cell in _index_cells()
        for _, target in LINK.findall(cell.source)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")
    ]
    return [unquote(t.split("#")[0]) for t in targets]


def test_index_is_markdown_only_with_the_course_title():
    cells = _index_cells()
    assert cells, "the index notebook is empty"
    assert {c.cell_type for c in cells} == {"markdown"}
    assert cells[0].source.startswith("# Artificial Neural Networks with Keras\n")


def test_every_notebook_is_linked_from_the_index():
    notebooks = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb") if p != INDEX)
    linked = set(_relative_links())
    missing = [name for name in notebooks if name not in linked]
    assert not missing, f"00_index.ipynb does not link to {missing}"


def test_every_link_in_the_index_resolves():
    links = _relative_links()
    assert links, "the index links to nothing"
    broken = [t for t in links if not (NOTEBOOKS_DIR / t).is_file()]
    assert not broken, f"00_index.ipynb links to files that do not exist: {broken}"


def test_notebooks_are_listed_in_lecture_order():
    linked = [t for t in _relative_links() if t.endswith(".ipynb")]
    assert linked == sorted(linked), "list the notebooks in file-name order"
    assert len(linked) == len(set(linked)), "a notebook is listed twice"
