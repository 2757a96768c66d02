"""Tests for the lecture mode: slide metadata, `make slides`, offline pages.

tools/slide_metadata.py (the slide type of each cell), tools/build_slides.py
(reveal.js decks), tools/figures.py (alt text, widget stills) and
tools/web_assets.py (local reveal.js and MathJax; no page fetches from another
host). The decks and handouts of the course's own notebooks are rendered from
the committed outputs, never executed.
"""

import base64
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import build_html, build_slides, figures, slide_metadata, web_assets

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TINY_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


def _figure_cell(source="plot()"):
    png = new_output("display_data", data={"image/png": TINY_PNG, "text/plain": "<F>"})
    return new_code_cell(source, execution_count=1, outputs=[png])


def _printing_cell(source, text="out\n"):
    out = new_output("stream", name="stdout", text=text)
    return new_code_cell(source, execution_count=1, outputs=[out])


def _lesson() -> nbformat.NotebookNode:
    """A small executed notebook in the course's layout."""
    return new_notebook(
        cells=[
            new_markdown_cell("# 01 · A lesson\n\nIntro."),  # 0
            new_markdown_cell("## Learning goals\n\n- one"),  # 1
            new_markdown_cell("## 1 · A section"),  # 2
            _printing_cell("x = 1\nprint(x)"),  # 3
            new_markdown_cell("The plot shows a line rising to the right:"),  # 4
            _figure_cell(),  # 5
            new_markdown_cell("The claim above, checked:"),  # 6
            new_code_cell(
                "assert x == 1\nnp.testing.assert_allclose(x, 1)", execution_count=2
            ),  # 7
            new_markdown_cell("### A sub-topic\n\nMore."),  # 8
            new_markdown_cell("Still the sub-topic."),  # 9
            _printing_cell("y = 2\nprint(y)"),  # 10
            new_markdown_cell("## Exercises\n\n### Exercise 1: *do it*"),  # 11
            _printing_cell(
                "z = None\n### BEGIN SOLUTION\nz = 3\n### END SOLUTION"
            ),  # 12
            _figure_cell("plot_exercise()"),  # 13
            new_markdown_cell("## Solutions"),  # 14
            _printing_cell("print('solution')"),  # 15
            new_markdown_cell("## Key takeaways\n\n- one"),  # 16
            _printing_cell("w = 1\n### BEGIN SOLUTION\nw = 2\n### END SOLUTION"),  # 17
        ]
    )


# --------------------------------------------------------------------------
# The slide type of each cell
# --------------------------------------------------------------------------


def test_slide_types_follow_the_rules():
    types = slide_metadata.slide_types(_lesson())
    assert types[:11] == [
        "slide",  # title
        "slide",  # ## heading
        "slide",
        "-",  # code stays with its heading
        "subslide",  # a lead-in after shown code: next step
        "fragment",  # a figure appears on the next key press
        "notes",  # it only introduces a check
        "skip",  # the check itself
        "subslide",  # ### heading
        "-",
        "-",
    ]
    assert types[11:16] == ["skip"] * 5  # exercises, the solution, solutions
    assert types[16] == "slide"  # Key takeaways shows again
    assert types[17] == "skip"  # a solution marker anywhere is hidden


def test_a_deck_starts_with_a_slide_even_without_a_heading():
    nb = new_notebook(cells=[new_markdown_cell("No heading."), _figure_cell()])
    assert slide_metadata.slide_types(nb) == ["slide", "fragment"]


def test_check_only_cells():
    assert slide_metadata.is_check_only(new_code_cell("assert a < b, 'msg'"))
    assert slide_metadata.is_check_only(new_code_cell("np.testing.assert_equal(a, 1)"))
    assert not slide_metadata.is_check_only(new_code_cell("a = 1\nassert a"))
    assert not slide_metadata.is_check_only(new_code_cell("%timeit f()"))
    assert not slide_metadata.is_check_only(_printing_cell("assert f()"))
    assert not slide_metadata.is_check_only(new_code_cell(""))


def test_apply_keeps_an_instructors_choice_unless_reset():
    nb = _lesson()
    nb.cells[3].metadata["slideshow"] = {"slide_type": "fragment"}
    changed = slide_metadata.apply(nb)
    assert changed == len(nb.cells) - 1 + 1  # all but one cell, and metadata.rise
    assert nb.cells[3].metadata.slideshow.slide_type == "fragment"
    assert slide_metadata.apply(nb) == 0  # idempotent
    assert slide_metadata.apply(nb, reset=True) == 1
    assert nb.cells[3].metadata.slideshow.slide_type == "-"


def test_apply_changes_only_metadata(tmp_path):
    nb = _lesson()
    before = [(c.source, c.get("outputs")) for c in nb.cells]
    path = tmp_path / "01_a.ipynb"
    nbformat.write(nb, path)
    assert slide_metadata.main([str(path)]) == 0
    after = nbformat.read(path, as_version=4)
    assert [(c.source, c.get("outputs")) for c in after.cells] == before
    assert all(c.metadata.slideshow.slide_type for c in after.cells)
    assert after.metadata.rise == slide_metadata.RISE_SETTINGS


# --------------------------------------------------------------------------
# The committed notebooks carry consistent slide metadata
# --------------------------------------------------------------------------


def _type(cell) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_a_deck(path):
    nb = nbformat.read(path, as_version=4)
    types = [_type(cell) for cell in nb.cells]
    assert nb.metadata.get("rise", {}).get("theme") == "white", "no live-slide settings"
    missing = [i for i, kind in enumerate(types) if kind is None]
    assert not missing, f"cells {missing} have no slide type: make slide-metadata"
    assert types[0] == "slide", "a notebook's deck starts with its title slide"
    hidden = slide_metadata.hidden_sections(nb)
    for i, cell in enumerate(nb.cells):
        if slide_metadata.has_solution(cell) or hidden[i]:
            assert types[i] == "skip", f"cell {i} (exercise/solution) is on a slide"
        elif slide_metadata.has_figure(cell):
            assert types[i] in slide_metadata.SHOWN, f"figure cell {i} is hidden"
        heading = slide_metadata.heading(cell)
        if heading and heading[0] <= 2 and not hidden[i]:
            assert types[i] == "slide", f"cell {i} ({heading[1]}) starts no slide"


# --------------------------------------------------------------------------
# Figures: alt text and widget stills
# --------------------------------------------------------------------------


def test_alt_text_comes_from_metadata_or_the_lead_in():
    nb = new_notebook(
        cells=[
            new_markdown_cell("Intro.\n\nThe plot shows *two* lines:"),
            _figure_cell(),
            _figure_cell(),
        ]
    )
    nb.cells[2].metadata["alt"] = "A written description."
    ready = figures.prepare(nb)
    alt = [c.outputs[0].metadata["image/png"]["alt"] for c in ready.cells[1:]]
    assert alt == ["The plot shows two lines:", "A written description."]
    assert "metadata" not in nb.cells[1].outputs[0] or not nb.cells[1].outputs[0].get(
        "metadata"
    ), "prepare() must not change the notebook it is given"


def test_widget_view_becomes_a_note_and_the_tagged_still():
    widget = new_output(
        "display_data",
        data={figures.WIDGET_MIME: {"model_id": "abc"}, "text/plain": "VBox(...)"},
    )
    still = _figure_cell("plot_widget_figure()")
    still.metadata["tags"] = [figures.STILL_TAG]
    nb = new_notebook(
        cells=[
            new_code_cell("Widget()", execution_count=1, outputs=[widget]),
            _figure_cell("other()"),
            new_markdown_cell("The widget's figure:"),
            still,
        ]
    )
    outputs = figures.prepare(nb).cells[0].outputs
    assert [list(o.data) for o in outputs] == [
        ["text/markdown", "text/plain"],
        ["image/png"],
    ]
    alt = outputs[1].metadata["image/png"]["alt"]
    assert alt == "Still picture of the widget. The widget's figure:"
    assert "VBox" not in str(outputs)


# --------------------------------------------------------------------------
# Building decks
# --------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects images (src, alt) and the text outside scripts and styles."""

    def __init__(self):
        super().__init__()
        self.images, self.text, self._skip = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        self._skip = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture
def course(tmp_path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    index = new_notebook(cells=[new_markdown_cell("# Course\n\n- [01](01_a.ipynb)")])
    lesson = _lesson()
    for nb in (index, lesson):
        slide_metadata.apply(nb)
    nbformat.write(index, folder / "00_index.ipynb")
    nbformat.write(lesson, folder / "01_a.ipynb")
    return folder


def test_build_writes_one_deck_per_notebook_and_the_lecture(course, tmp_path):
    out = tmp_path / "slides"
    written = build_slides.build_slides(course, out)
    assert [p.name for p in written] == [
        "index.html",
        "lecture.slides.html",
        "00_index.slides.html",
        "01_a.slides.html",
    ]
    assert (out / "assets/reveal/dist/reveal.js").is_file()
    assert (out / "assets/mathjax/tex-chtml-full.js").is_file()
    deck = (out / "01_a.slides.html").read_text(encoding="utf-8")
    assert deck.count("<section") == 10  # 4 slides: 4 + 6 vertical sub-slides
    assert '<aside class="notes">' in deck and "The claim above, checked" in deck
    for hidden in ("BEGIN SOLUTION", ">Solutions<", "plot_exercise", "Exercise 1"):
        assert hidden not in deck, f"{hidden!r} is on a slide"
    lecture = (out / "lecture.slides.html").read_text(encoding="utf-8")
    assert lecture.index("Course") < lecture.index("01 · A lesson")
    assert 'href="01_a.slides.html"' in lecture  # links point to the decks


def test_failed_build_writes_nothing(course, tmp_path):
    (course / "02_b.ipynb").write_text("{", encoding="utf-8")
    with pytest.raises(build_slides.SlidesBuildError, match=r"02_b\.ipynb"):
        build_slides.build_slides(course, tmp_path / "slides")
    assert not (tmp_path / "slides").exists()


def test_remote_references_are_found():
    page = """<html><head>
      <script src="https://cdnjs.cloudflare.com/require.js"></script>
      <link rel="stylesheet" href="//fonts.googleapis.com/css">
      <style>@import url(https://fonts.googleapis.com/x); .a {}</style>
      <script>import("https://cdn.jsdelivr.net/mermaid.mjs");</script>
      <link rel="stylesheet" href="assets/slides.css">
      </head><body>
      <img src="data:image/png;base64,AAAA" alt="x">
      <img src="http://127.0.0.1:8000/local.png" alt="y">
      <div style="background: url('http://example.org/b.png')"></div>
      <a href="https://playground.tensorflow.org">a cited page is no fetch</a>
      </body></html>"""
    assert web_assets.remote_references(page) == [
        "https://cdnjs.cloudflare.com/require.js",
        "//fonts.googleapis.com/css",
        "https://fonts.googleapis.com/x",
        "https://cdn.jsdelivr.net/mermaid.mjs",
        "http://example.org/b.png",
    ]


def test_missing_assets_say_how_to_install_them(tmp_path):
    with pytest.raises(web_assets.AssetsError, match="make assets"):
        web_assets.copy_assets(tmp_path, "slides.css", node_modules=tmp_path)


# --------------------------------------------------------------------------
# The course's own decks and handouts (rendered, not executed: a few seconds)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("lecture")
    build_slides.build_slides(build_slides.NOTEBOOKS_DIR, root / "slides")
    build_html.build_html(build_html.NOTEBOOKS_DIR, root / "html")
    return {"slides": root / "slides", "html": root / "html"}


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_no_built_page_fetches_from_another_host(built, kind):
    pages = sorted(built[kind].glob("*.html"))
    assert len(pages) >= len(NOTEBOOKS)
    assert web_assets.offline_problems(built[kind]) == []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "cdnjs" not in text and "unpkg" not in text, page.name


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_every_figure_has_alt_text_and_widgets_a_still(built, kind):
    for page in sorted(built[kind].glob("[0-9]*.html")):
        parsed = _parse(page)
        for image in parsed.images:
            assert image.get("alt", "").strip() not in ("", "Figure"), page.name
    playground = next(built[kind].glob("04_*.html"))
    parsed = _parse(playground)
    text = " ".join(parsed.text)
    assert "VBox(" not in text and "Interactive widget" in text
    stills = [i for i in parsed.images if i["alt"].startswith("Still picture")]
    assert stills and stills[0]["src"].startswith("data:image/png;base64,")


def test_lecture_deck_holds_every_notebook_in_order(built):
    lecture = (built["slides"] / "lecture.slides.html").read_text(encoding="utf-8")
    titles = [build_html.notebook_summary(nbformat.read(p, 4))[0] for p in NOTEBOOKS]
    position = 0
    for title in titles:  # each notebook's title slide, after the one before
        position = lecture.find(f">{build_html._plain(title)}<", position)
        assert position > 0, f"{title} is missing or out of order"


def test_no_solution_is_on_a_slide(built):
    for path in NOTEBOOKS:
        deck = (built["slides"] / build_slides.deck_name(path)).read_text("utf-8")
        assert "BEGIN SOLUTION" not in deck and "END SOLUTION" not in deck, path.name
