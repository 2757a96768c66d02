"""Tests for tools/build_html.py: static HTML handouts with an index (`make html`)."""

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from nbformat.v4 import (  # noqa: E402
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

from tools import build_html, web_assets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# An embedded figure: <img alt="..." src="data:image/png;base64,...">.
EMBEDDED_PNG = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,')


# --------------------------------------------------------------------------
# Helpers: small executed notebooks with real PNG figures
# --------------------------------------------------------------------------


def _png(slope: float) -> str:
    """A small line plot as base64 PNG, different for each slope."""
    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=40)
    ax.plot([0, 1], [0, slope])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _notebook(markdown: list[str], slopes: list[float]) -> nbformat.NotebookNode:
    outputs = [new_output("stream", name="stdout", text="shape (3, 2)\n")]
    outputs += [
        new_output("display_data", data={"image/png": _png(s), "text/plain": "<Fig>"})
        for s in slopes
    ]
    code = new_code_cell("plot()", execution_count=1, outputs=outputs)
    return new_notebook(cells=[new_markdown_cell(m) for m in markdown] + [code])


def _png_outputs(nb: nbformat.NotebookNode) -> list[str]:
    return [
        out["data"]["image/png"].replace("\n", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]


class _Links(HTMLParser):
    """Collects every link's href, and the first link of each list item."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.item_hrefs = [], []
        self._new_item = False

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self._new_item = True
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href"))
            if self._new_item:
                self.item_hrefs.append(self.hrefs[-1])
                self._new_item = False


def _parse_links(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _links(page: Path) -> list[str]:
    return _parse_links(page).hrefs


def _check_handouts(notebooks_dir: Path, out: Path) -> None:
    """Every notebook has a page with all its figures; every index link works."""
    names = sorted(
        p.name
        for p in notebooks_dir.glob("*.ipynb")
        if p.name != build_html.INDEX_NOTEBOOK
    )
    assert names, f"no notebooks in {notebooks_dir}"
    for name in names:
        page = out / name.replace(".ipynb", ".html")
        assert page.is_file(), f"no page for {name}"
        for href in _links(page):
            if href and re.match(r"^[\w.-]+\.html(#|$)", href):
                target = href.split("#")[0]
                assert (out / target).is_file(), f"{page.name} links to missing {href}"
        text = page.read_text(encoding="utf-8")
        figures = _png_outputs(nbformat.read(notebooks_dir / name, as_version=4))
        embedded = len(EMBEDDED_PNG.findall(text))
        assert embedded >= len(figures), f"{page.name} lacks figures"
        for payload in figures:
            assert payload in text, f"a figure of {name} is not embedded"
    index = _parse_links(out / "index.html")
    assert index.item_hrefs == [n.replace(".ipynb", ".html") for n in names]
    for href in index.hrefs:
        if re.match(r"^[a-z]+://", href):  # a web page a notebook's intro cites
            continue
        target = href.split("#")[0]
        assert (out / target).is_file(), f"index.html links to missing {href}"


@pytest.fixture
def course(tmp_path) -> Path:
    """Three notebooks as the course has them: an index and two lectures."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    index = new_notebook(cells=[new_markdown_cell("# Course\n\n- [01](01_a.ipynb)")])
    nbformat.write(index, folder / "00_index.ipynb")
    first = _notebook(
        [
            "# 01 · The *first* neuron\n\nWhere we start: one neuron, "
            "one weight.\nSee [the next one](02_b.ipynb#goals).",
            "## Learning goals\n\n- fit a line",
        ],
        [1.0, 2.0],
    )
    nbformat.write(first, folder / "01_a.ipynb")
    second = _notebook(["# 02 · Logistic regression", "Probabilities next."], [3.0])
    nbformat.write(second, folder / "02_b.ipynb")
    return folder


# --------------------------------------------------------------------------
# Building the handouts
# --------------------------------------------------------------------------


def test_build_writes_index_and_one_page_per_notebook(course, tmp_path):
    out = tmp_path / "html"
    written = build_html.build_html(course, out)
    assert [p.name for p in written] == ["index.html", "01_a.html", "02_b.html"]
    assert sorted(p.name for p in out.iterdir()) == [
        "01_a.html",
        "02_b.html",
        "assets",
        "index.html",
    ]
    _check_handouts(course, out)


def test_pages_load_mathjax_from_the_local_copy_only(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    page = (out / "01_a.html").read_text(encoding="utf-8")
    assert '<script id="MathJax-script" src="assets/mathjax/tex-chtml-full.js">' in page
    assert (out / "assets/mathjax/tex-chtml-full.js").is_file()
    assert list((out / "assets/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    assert web_assets.offline_problems(out) == []
    assert "require.js" not in page and "cdnjs" not in page


def test_index_has_one_line_per_notebook_with_title_and_paragraph(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<li>") == 2
    assert '<a href="01_a.html">01 · The <em>first</em> neuron</a>' in index
    assert "Where we start: one neuron, one weight. See" in index
    assert '<a href="02_b.html#goals">the next one</a>' in index
    assert (
        '<a href="02_b.html">02 · Logistic regression</a><br>'
        '<span class="summary">Probabilities next.</span>'
    ) in index


def test_links_between_notebooks_point_to_the_pages(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    assert "02_b.html#goals" in _links(out / "01_a.html")
    assert not any(".ipynb" in (h or "") for h in _links(out / "01_a.html"))


def test_pages_link_to_index_and_neighbours(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    first, second = _links(out / "01_a.html"), _links(out / "02_b.html")
    assert first.count("index.html") == 2  # top and bottom
    assert "02_b.html" in first and "01_a.html" not in first
    assert "01_a.html" in second and "02_b.html" not in second


def test_page_title_is_the_notebook_heading(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    assert "<title>01 · The first neuron</title>" in (out / "01_a.html").read_text()


def test_rebuild_removes_pages_of_deleted_notebooks(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    (course / "02_b.ipynb").unlink()
    build_html.build_html(course, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "01_a.html",
        "assets",
        "index.html",
    ]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (["# Title\n\nFirst paragraph."], ("Title", "First paragraph.")),
        (["# Title", "Next cell\nwraps."], ("Title", "Next cell wraps.")),
        (["# Title\nSame block."], ("Title", "Same block.")),
        (["# Title\n\n- a list\n- is no paragraph\n\nText."], ("Title", "Text.")),
        (["No heading here."], ("", "No heading here.")),
        ([], ("", "")),
    ],
)
def test_notebook_summary(markdown, expected):
    nb = new_notebook(cells=[new_markdown_cell(m) for m in markdown])
    assert build_html.notebook_summary(nb) == expected


# --------------------------------------------------------------------------
# Errors: clear messages, nothing half-written
# --------------------------------------------------------------------------


def test_invalid_json_names_the_notebook_and_writes_nothing(course, tmp_path):
    out = tmp_path / "html"
    (course / "03_broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(build_html.HtmlBuildError, match=r"03_broken\.ipynb.*not JSON"):
        build_html.build_html(course, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [course]  # no staging folder left behind


def test_failed_rebuild_keeps_the_previous_pages(course, tmp_path):
    out = tmp_path / "html"
    build_html.build_html(course, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (course / "01_a.ipynb").write_text("not a notebook", encoding="utf-8")
    with pytest.raises(build_html.HtmlBuildError, match=r"01_a\.ipynb"):
        build_html.build_html(course, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_notebook_that_is_not_executed_is_an_error(course, tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# 03"), new_code_cell("x = 1")])
    nbformat.write(nb, course / "03_fresh.ipynb")
    with pytest.raises(build_html.HtmlBuildError, match=r"03_fresh.*make notebooks"):
        build_html.build_html(course, tmp_path / "html")


def test_invalid_notebook_schema_is_an_error(course, tmp_path):
    (course / "03_odd.ipynb").write_text('{"cells": 3}', encoding="utf-8")
    with pytest.raises(build_html.HtmlBuildError, match=r"03_odd\.ipynb"):
        build_html.build_html(course, tmp_path / "html")


def test_missing_or_empty_folder_is_an_error(tmp_path):
    with pytest.raises(build_html.HtmlBuildError, match="not a folder"):
        build_html.build_html(tmp_path / "missing", tmp_path / "html")
    with pytest.raises(build_html.HtmlBuildError, match="no notebooks"):
        build_html.build_html(tmp_path, tmp_path / "html")


def test_command_line_reports_errors_and_success(course, tmp_path, capsys):
    out = tmp_path / "html"
    assert build_html.main(["--notebooks", str(course), "--out", str(out)]) == 0
    assert "2 pages and index.html" in capsys.readouterr().out
    (course / "03_broken.ipynb").write_text("{", encoding="utf-8")
    assert build_html.main(["--notebooks", str(course), "--out", str(out)]) == 1
    assert "03_broken.ipynb" in capsys.readouterr().err


# --------------------------------------------------------------------------
# The course's own notebooks
# --------------------------------------------------------------------------


def test_course_notebooks_render_with_figures_and_working_index(tmp_path):
    out = tmp_path / "html"
    build_html.build_html(build_html.NOTEBOOKS_DIR, out)
    _check_handouts(build_html.NOTEBOOKS_DIR, out)
