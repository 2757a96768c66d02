"""Tests for tools/make_student.py, the generator of the student edition.

Unmarked (seconds): the marker rules on small strings, the fixture notebooks in
tests/fixtures/ (converted, then executed: their checks must print ❌), the
command line, and a static check of every course notebook with exercises.
Marked ``student`` (minutes; ``pytest -m student``): each course notebook's
student edition is executed once, top to bottom, in a fresh kernel.

The solution text a student edition must not contain is found here with code
of its own, not with the generator's, so a bug in one does not hide in both.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from tools import make_student
from tools.notebooks import execute

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXERCISES = FIXTURES / "student_exercises.ipynb"
UNBALANCED = FIXTURES / "student_unbalanced.ipynb"


BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB, TEXT_STUB = "...  # YOUR CODE HERE", "_Your answer here._"
# A call of a check_* function on a line that is no comment and no `def`.
CHECK_CALL = re.compile(r"^(?!\s*def\s)[^#\n]*\bcheck_\w+\s*\(", re.MULTILINE)


# --------------------------------------------------------------------------
# Helpers of the tests' own
# --------------------------------------------------------------------------


def regions(source: str) -> list[tuple[str, list[str]]]:
    """The (indentation of BEGIN, lines inside) of each solution region."""
    found, inside, indent = [], None, ""
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside, indent = [], line[: len(line) - len(line.lstrip())]
        elif line.strip() == END:
            found.append((indent, inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    return found


def solution_only_lines(nb) -> set[str]:
    """Stripped lines found inside solution regions and nowhere outside them."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_region = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text in (BEGIN, END):
                in_region = text == BEGIN
            else:
                (inside if in_region else outside).add(text)
    meaningful = {t for t in inside if sum(c.isalnum() for c in t) >= 3}
    return meaningful - outside


def output_text(cell) -> str:
    """Everything a code cell's outputs show as text."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts += [out.get("data", {}).get(k, "") for k in ("text/plain", "text/html")]
        parts += out.get("traceback", []) + [out.get("evalue", "")]
    return "\n".join(p for p in parts if p)


def all_text(nb) -> str:
    return "\n".join(c.source + "\n" + output_text(c) for c in nb.cells)


def assert_no_solution_text(source_nb, student_nb, name: str) -> None:
    shown = {line.strip() for line in all_text(student_nb).splitlines()}
    leaked = sorted(solution_only_lines(source_nb) & shown)
    assert not leaked, f"{name}: the student edition still shows {leaked}"
    assert "BEGIN SOLUTION" not in all_text(student_nb)
    assert "END SOLUTION" not in all_text(student_nb)


def has_solution(cell) -> bool:
    return bool(regions(cell.source))


def is_unexpected_error(cell) -> bool:
    """Whether a code cell shows an error without the `raises-exception` tag."""
    return (
        cell.cell_type == "code"
        and "raises-exception" not in cell.metadata.get("tags", [])
        and any(o.output_type == "error" for o in cell.outputs)
    )


def check_cells(nb) -> list:
    return [
        c for c in nb.cells if c.cell_type == "code" and CHECK_CALL.search(c.source)
    ]


def assert_checks_fail_helpfully(nb, name: str) -> None:
    cells = check_cells(nb)
    assert cells, f"{name}: no cell calls a check_* function"
    for cell in cells:
        shown = output_text(cell)
        assert "❌" in shown and "✅" not in shown, (
            f"{name}: on the stub, this check should print ❌, not {shown!r}:\n"
            f"{cell.source}"
        )
        message = shown[shown.index("❌") :].strip()
        assert len(message) >= 25, f"{name}: ❌ without a helpful hint: {message!r}"


def read(path: Path):
    return nbformat.read(path, as_version=4)


# --------------------------------------------------------------------------
# The marker rules, on small strings
# --------------------------------------------------------------------------


@pytest.mark.parametrize("indent", ["", "    ", "        ", "\t"])
def test_stub_takes_the_indentation_of_the_begin_marker(indent):
    source = "\n".join(
        [
            "def f(x):",
            f"{indent}{BEGIN}",
            f"{indent}y = x + 1",
            f"{indent}return y",
            f"{indent}{END}",
            "",
            "check_f(f)",
        ]  # fmt: skip
    )
    new, count = make_student.replace_solution_regions(source, CODE_STUB)
    assert count == 1
    assert new == f"def f(x):\n{indent}{CODE_STUB}\n\ncheck_f(f)"


def test_every_region_of_a_cell_is_replaced_and_the_rest_kept():
    source = f"a = None\n{BEGIN}\na = 1\n{END}\nb = None\n  {BEGIN}\n  b = 2\n  {END}\n"
    new, count = make_student.replace_solution_regions(source, CODE_STUB)
    assert count == 2
    assert new == f"a = None\n{CODE_STUB}\nb = None\n  {CODE_STUB}\n"


def test_a_multi_line_stub_is_indented_on_every_line():
    source = f"    {BEGIN}\n    return 1\n    {END}"
    stub = "# YOUR CODE HERE\nraise NotImplementedError()"
    new, _ = make_student.replace_solution_regions(source, stub)
    assert new == "    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_source_without_markers_is_unchanged():
    source = "x = 1  # BEGIN of the lesson\nprint('solution')\n"
    assert make_student.replace_solution_regions(source, CODE_STUB) == (source, 0)


def test_markers_with_trailing_spaces_and_empty_regions_count():
    source = f"{BEGIN}  \n{END}\t"
    assert make_student.replace_solution_regions(source, TEXT_STUB) == (TEXT_STUB, 1)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (f"x = 1\n{BEGIN}\nx = 2", r"line 2: '### BEGIN SOLUTION' without a matching"),
        (f"x = 1\n{END}", r"line 2: '### END SOLUTION' without a '### BEGIN"),
        (f"{BEGIN}\n{BEGIN}\n{END}\n{END}", r"line 2: nested .* line 1"),
        ("## BEGIN SOLUTION\nx = 1\n## END SOLUTION", r"line 1: .*looks like"),
        (f"{BEGIN}\nx = 1\n### END SOLUTION:", r"line 3: .*not exactly"),
        ("### begin solution", r"looks like a solution marker"),
        (f"# {BEGIN}", r"looks like a solution marker"),
    ],
)
def test_unbalanced_or_misspelt_markers_raise_with_the_line(source, expected):
    with pytest.raises(make_student.SolutionMarkerError, match=expected) as info:
        make_student.replace_solution_regions(source, CODE_STUB, where="nb, cell 3")
    assert str(info.value).startswith("nb, cell 3, line ")


def test_non_string_source_raises_type_error():
    with pytest.raises(TypeError, match="must be str"):
        make_student.replace_solution_regions(["x = 1"], CODE_STUB)


@pytest.mark.parametrize(
    ("source", "calls"),
    [
        ("utils.check_softmax(softmax)", True),
        ("ok = check_lr (lr)\nprint(ok)", True),
        ("def check_lr(lr):\n    return lr", False),
        ("# utils.check_softmax(softmax)", False),
        ("c = utils.ExerciseCheck('x')\nprecheck_x(1)", False),
    ],
)
def test_calls_check_finds_check_calls_only(source, calls):
    assert make_student.calls_check(source) is calls


# --------------------------------------------------------------------------
# The fixture notebook, converted
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_pair():
    source = read(EXERCISES)
    student, count = make_student.make_student_notebook(source, name="fixture")
    return source, student, count


def test_fixture_has_every_kind_of_solution(fixture_pair):
    source, _, count = fixture_pair
    kinds = {c.cell_type for c in source.cells if has_solution(c)}
    assert kinds == {"code", "markdown"}
    assert count == sum(len(regions(c.source)) for c in source.cells) == 4


def test_function_exercise_becomes_the_stub(fixture_pair):
    source, student, _ = fixture_pair
    index = next(i for i, c in enumerate(source.cells) if "def softmax" in c.source)
    assert student.cells[index].source == (
        "def softmax(z):\n"
        '    """Return the softmax of the scores z along the last axis."""\n'
        "    ...  # YOUR CODE HERE\n"
        "\n"
        "\n"
        "check_softmax(softmax)"
    )


def test_each_region_becomes_one_stub_line_at_its_indentation(fixture_pair):
    source, student, _ = fixture_pair
    for before, after in zip(source.cells, student.cells, strict=True):
        found = regions(before.source)
        stub = CODE_STUB if before.cell_type == "code" else TEXT_STUB
        lines = after.source.splitlines()
        for indent, _ in found:
            assert f"{indent}{stub}" in lines
        removed = sum(len(inside) + 1 for _, inside in found)  # +2 markers, -1 stub
        assert len(lines) == len(before.source.splitlines()) - removed


def test_no_solution_text_remains(fixture_pair):
    source, student, _ = fixture_pair
    assert solution_only_lines(source), "the fixture should have solution text"
    assert_no_solution_text(source, student, "fixture")


def test_outputs_of_solution_and_check_cells_are_cleared(fixture_pair):
    source, student, _ = fixture_pair
    cleared = 0
    for before, after in zip(source.cells, student.cells, strict=True):
        if before.cell_type != "code":
            continue
        if has_solution(before) or CHECK_CALL.search(before.source):
            assert after.outputs == [] and after.execution_count is None
            cleared += bool(before.outputs)
        else:
            assert after.outputs == before.outputs
            assert after.execution_count == before.execution_count
    assert cleared == 3  # softmax, parameter count and relu printed ✅
    assert "✅" in all_text(source) and "✅" not in all_text(student)


def test_everything_else_is_kept(fixture_pair):
    source, student, _ = fixture_pair
    assert student.metadata == source.metadata
    assert [c.cell_type for c in student.cells] == [c.cell_type for c in source.cells]
    for before, after in zip(source.cells, student.cells, strict=True):
        assert after.id == before.id and after.metadata == before.metadata
        if not has_solution(before):
            assert after.source == before.source
    kept = [c for c in student.cells if c.cell_type == "code" and c.outputs]
    assert {"sum = 6.0\n", "noise = 0.126\n"} <= {output_text(c) for c in kept}
    tags = [c.metadata.get("tags") for c in student.cells if "tags" in c.metadata]
    assert tags == [["raises-exception"], ["nbval-ignore-output"]]


def test_source_notebook_is_not_modified(fixture_pair):
    source, _, _ = fixture_pair
    assert source == read(EXERCISES)


def test_result_validates_and_a_second_pass_changes_nothing(fixture_pair):
    _, student, _ = fixture_pair
    nbformat.validate(student)
    again, count = make_student.make_student_notebook(student)
    assert (again, count) == (student, 0)


def test_preprocessor_works_inside_nbconvert(fixture_pair):
    from nbconvert.exporters import NotebookExporter

    exporter = NotebookExporter()
    exporter.register_preprocessor(make_student.ClearSolutionsPreprocessor, True)
    body, resources = exporter.from_notebook_node(
        fixture_pair[0], resources={"metadata": {"name": "fixture"}}
    )
    assert resources["solution_regions"] == 4
    assert nbformat.reads(body, as_version=4) == fixture_pair[1]


def test_unbalanced_fixture_names_notebook_and_cell():
    with pytest.raises(make_student.SolutionMarkerError) as info:
        make_student.make_student_notebook(read(UNBALANCED), name="unbalanced.ipynb")
    message = str(info.value)
    assert message.startswith("unbalanced.ipynb, cell 4 (code, id ")
    assert "line 3: '### BEGIN SOLUTION' without a matching" in message


def test_wrong_notebook_type_raises_type_error():
    with pytest.raises(TypeError, match="NotebookNode"):
        make_student.make_student_notebook({"cells": []})


# --------------------------------------------------------------------------
# The fixture, executed: stubs run, checks say ❌ (and ✅ with the solutions)
# --------------------------------------------------------------------------


def test_student_fixture_runs_and_its_checks_fail_helpfully(fixture_pair, tmp_path):
    student = execute(fixture_pair[1], tmp_path)
    assert_checks_fail_helpfully(student, "fixture")
    assert len(check_cells(student)) == 3


def test_instructor_fixture_passes_its_checks(fixture_pair, tmp_path):
    source = execute(read(EXERCISES), tmp_path)
    for cell in check_cells(source):
        assert "✅" in output_text(cell) and "❌" not in output_text(cell)


# --------------------------------------------------------------------------
# The command line: whole-folder build, idempotence, all-or-nothing on errors
# --------------------------------------------------------------------------


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.make_student", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_command_line_builds_swaps_and_is_idempotent(tmp_path):
    src, out = tmp_path / "src", tmp_path / "build" / "notebooks"
    (src / "figures").mkdir(parents=True)
    (src / ".ipynb_checkpoints").mkdir()
    shutil.copy(EXERCISES, src / "01_ex.ipynb")
    (src / "figures" / "net.svg").write_text("<svg/>")
    out.mkdir(parents=True)
    (out / "00_deleted.ipynb").write_text("{}")

    first = run_tool("--src", str(src), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "01_ex.ipynb (4 solution regions removed)" in first.stdout
    assert sorted(p.name for p in out.iterdir()) == ["01_ex.ipynb", "figures"]
    assert (out / "figures" / "net.svg").read_text() == "<svg/>"
    built = (out / "01_ex.ipynb").read_bytes()
    assert make_student.main(["--src", str(src), "--out", str(out)]) == 0
    assert (out / "01_ex.ipynb").read_bytes() == built
    assert sorted(p.name for p in out.parent.iterdir()) == ["notebooks"]  # no temps
    umask = os.umask(0o022)
    os.umask(umask)  # modes as plain mkdir/open give, not mkdtemp's/mkstemp's 0o700
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out / "01_ex.ipynb").stat().st_mode & 0o777 == 0o666 & ~umask


def test_command_line_writes_nothing_when_a_notebook_is_unbalanced(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(EXERCISES, src / "01_ex.ipynb")
    assert make_student.main(["--src", str(src), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    shutil.copy(EXERCISES, src / "02_ex.ipynb")
    shutil.copy(UNBALANCED, src / "03_bad.ipynb")
    capsys.readouterr()

    assert make_student.main(["--src", str(src), "--out", str(out)]) == 1
    stderr = capsys.readouterr().err
    assert "03_bad.ipynb, cell 4 (code, id " in stderr
    assert "nothing was written" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]


def test_command_line_converts_named_notebooks_only(tmp_path, capsys):
    out = tmp_path / "out"
    assert make_student.main([str(EXERCISES), "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == [EXERCISES.name]
    assert make_student.main([str(tmp_path / "missing.ipynb"), "--out", str(out)]) == 1
    assert "missing.ipynb: no such notebook" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Every course notebook with exercises
# --------------------------------------------------------------------------

COURSE_NOTEBOOKS = sorted(
    path
    for path in (ROOT / "notebooks").glob("*.ipynb")
    if BEGIN in path.read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def course_edition(tmp_path_factory):
    """The student edition of notebooks/, built once as `make student` builds it."""
    out = tmp_path_factory.mktemp("student") / "notebooks"
    try:
        make_student.make_student_edition(src=ROOT / "notebooks", out=out, log=None)
    except make_student.SolutionMarkerError as exc:
        pytest.fail(f"make_student failed: {exc}")
    return out


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=lambda p: p.name)
def test_course_student_edition_is_valid_and_free_of_solutions(path, course_edition):
    source, student = read(path), read(course_edition / path.name)
    nbformat.validate(student)
    assert_no_solution_text(source, student, path.name)
    for before, after in zip(source.cells, student.cells, strict=True):
        if before.cell_type == "code" and has_solution(before):
            assert CODE_STUB in after.source and after.outputs == []


@pytest.mark.student
@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=lambda p: p.name)
def test_course_student_edition_runs_and_its_checks_fail(path, course_edition):
    student = read(course_edition / path.name)
    try:
        execute(student, course_edition)
    except CellExecutionError as exc:
        failed = [i for i, c in enumerate(student.cells) if is_unexpected_error(c)]
        first_solution = min(
            (i for i, c in enumerate(student.cells) if CODE_STUB in c.source),
            default=len(student.cells),
        )
        where = (
            "before any exercise, so the instructor edition fails there too: "
            "check it with `pytest --nbval`"
            if failed and failed[0] < first_solution
            else "in or after the exercises: does the starter run on the stub?"
        )
        cell = failed[0] + 1 if failed else "?"
        pytest.fail(f"{path.name}: cell {cell} raised, {where}\n{exc}")
    assert_checks_fail_helpfully(student, path.name)
