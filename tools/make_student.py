"""Generate the student edition of the course notebooks: solutions removed.

Usage: python -m tools.make_student [--src DIR] [--out DIR] [NOTEBOOK ...]

With no NOTEBOOK, every ``*.ipynb`` in ``--src`` (default ``notebooks/``) is
converted into ``--out`` (default ``build/student/notebooks/``), same file
names, together with any other files the notebooks keep beside them (figures);
the folder is built aside and swapped in whole, so notebooks deleted from the
source disappear from it too. With NOTEBOOKs, only those are (re)written.

The source notebooks are the instructor edition. Each solution region,

    ### BEGIN SOLUTION
    ...the solution...
    ### END SOLUTION

markers included, becomes ``...  # YOUR CODE HERE`` in a code cell and
``_Your answer here._`` in a markdown cell, at the indentation of the
``### BEGIN SOLUTION`` line. Code cells that held a solution, or that call a
``check_*`` function (their output would show the instructor's ✅), lose their
outputs and execution counts; every other cell, output, tag and metadata is
kept. An unbalanced, nested or misspelt marker is an error that names the
notebook, cell and line, and nothing is written: every notebook is converted in
memory first, and each file is written to a temporary file and renamed.

It is a small ``nbconvert.preprocessors.Preprocessor``, which ``jupyter nbconvert
--to notebook`` can use as well; CONTRIBUTING.md says why not nbgrader.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat.reader import NotJSONError
from traitlets import Bool, Unicode

from tools.notebooks import write_notebook_atomic

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "CODE_STUB",
    "TEXT_STUB",
    "ClearSolutionsPreprocessor",
    "SolutionMarkerError",
    "calls_check",
    "main",
    "make_student_edition",
    "make_student_notebook",
    "replace_solution_regions",
]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "build" / "student" / "notebooks"

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = "...  # YOUR CODE HERE"
TEXT_STUB = "_Your answer here._"

# A comment line that mentions a marker but is not exactly one ("## BEGIN
# SOLUTION", "### END SOLUTION:") would otherwise leave a solution in place.
_MARKER_LIKE = re.compile(r"^\s*#.*\b(BEGIN|END)\s+SOLUTIONS?\b", re.IGNORECASE)
_CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
# Files beside the notebooks that are never part of the edition.
_SKIP_ASSETS = {"__pycache__", ".ipynb_checkpoints"}


class SolutionMarkerError(ValueError):
    """A solution region is not one ``### BEGIN SOLUTION`` … ``### END SOLUTION``."""


def replace_solution_regions(
    source: str, stub: str, where: str = ""
) -> tuple[str, int]:
    """Replace each marked solution region in ``source`` by ``stub``.

    Args:
        source: a cell's source.
        stub: the replacement (one or more lines), indented like the BEGIN line.
        where: names the cell in error messages ("notebook.ipynb, cell 7").

    Returns:
        The new source and the number of regions replaced.

    Raises:
        SolutionMarkerError: a BEGIN without END, an END without BEGIN, a
            nested BEGIN, or a comment line that looks like a marker but is not.
    """
    if not isinstance(source, str) or not isinstance(stub, str):
        raise TypeError(
            f"source and stub must be str; got {type(source).__name__} "
            f"and {type(stub).__name__}"
        )
    prefix = f"{where}, " if where else ""
    out: list[str] = []
    begin_line = 0
    regions = 0
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if begin_line:
                raise SolutionMarkerError(
                    f"{prefix}line {number}: nested '{BEGIN_SOLUTION}' (the one "
                    f"on line {begin_line} has no '{END_SOLUTION}' before it)"
                )
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + stub_line for stub_line in stub.split("\n")]
        elif marker == END_SOLUTION:
            if not begin_line:
                raise SolutionMarkerError(
                    f"{prefix}line {number}: '{END_SOLUTION}' without a "
                    f"'{BEGIN_SOLUTION}' before it"
                )
            begin_line = 0
            regions += 1
        elif _MARKER_LIKE.match(line):
            raise SolutionMarkerError(
                f"{prefix}line {number}: {marker!r} looks like a solution marker "
                f"but is not exactly '{BEGIN_SOLUTION}' or '{END_SOLUTION}' "
                f"on a line of its own"
            )
        elif not begin_line:
            out.append(line)
    if begin_line:
        raise SolutionMarkerError(
            f"{prefix}line {begin_line}: '{BEGIN_SOLUTION}' without a "
            f"matching '{END_SOLUTION}'"
        )
    return "\n".join(out), regions


def calls_check(source: str) -> bool:
    """Whether code calls a ``check_*`` function (comments and ``def`` lines aside)."""
    for line in source.split("\n"):
        code = line.split("#", 1)[0]
        if _CHECK_CALL.search(code) and not code.lstrip().startswith("def "):
            return True
    return False


class ClearSolutionsPreprocessor(Preprocessor):
    """nbconvert preprocessor that turns the instructor edition into the student's.

    ``resources["metadata"]["name"]`` (set by nbconvert, or by
    :func:`make_student_notebook`) names the notebook in error messages;
    ``resources["solution_regions"]`` counts the regions replaced.
    """

    enabled = Bool(True).tag(config=True)
    code_stub = Unicode(CODE_STUB, help="Replaces a code solution.").tag(config=True)
    text_stub = Unicode(TEXT_STUB, help="Replaces a written answer.").tag(config=True)
    clear_check_outputs = Bool(
        True, help="Also clear outputs of code cells that call a check_* function."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        resources.setdefault("metadata", {}).setdefault("name", "<notebook>")
        resources["solution_regions"] = 0
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        name = resources["metadata"]["name"]
        where = f"{name}, cell {index + 1} ({cell.cell_type}"
        where += f", id {cell['id']!r})" if "id" in cell else ")"
        stub = self.code_stub if cell.cell_type == "code" else self.text_stub
        cell.source, regions = replace_solution_regions(cell.source, stub, where)
        resources["solution_regions"] += regions
        if cell.cell_type == "code" and (
            regions or (self.clear_check_outputs and calls_check(cell.source))
        ):
            cell.outputs = []
            cell.execution_count = None
        return cell, resources


def make_student_notebook(nb, name: str = "<notebook>") -> tuple:
    """Return the student edition of notebook ``nb`` (left unchanged) and its count.

    Args:
        nb: an nbformat v4 ``NotebookNode``.
        name: the notebook's name for error messages.

    Returns:
        ``(student_nb, n_regions)``; ``student_nb`` is validated with nbformat.
    """
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        raise TypeError(f"expected an nbformat NotebookNode; got {type(nb).__name__}")
    student = copy.deepcopy(nb)
    resources = {"metadata": {"name": name}}
    student, resources = ClearSolutionsPreprocessor().preprocess(student, resources)
    nbformat.validate(student)
    return student, resources["solution_regions"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _display(path: Path) -> str:
    path = Path(os.path.abspath(path))
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _convert_all(notebooks: Sequence[Path]) -> list[tuple[Path, object, int]]:
    converted = []
    for path in notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"{_display(path)}: no such notebook (.ipynb)")
        try:
            nb = nbformat.read(path, as_version=4)
        except NotJSONError as exc:
            raise ValueError(f"{_display(path)}: not a notebook: {exc}") from exc
        student, regions = make_student_notebook(nb, name=_display(path))
        converted.append((path, student, regions))
    return converted


def _copy_assets(src: Path, dest: Path) -> None:
    for entry in sorted(src.iterdir()):
        if entry.suffix == ".ipynb" or entry.name in _SKIP_ASSETS:
            continue
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(
                entry, dest / entry.name, ignore=shutil.ignore_patterns(*_SKIP_ASSETS)
            )
        else:
            shutil.copy2(entry, dest / entry.name)


def _swap_in(built: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    try:
        os.replace(built, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old)


def make_student_edition(
    notebooks: Sequence[str | os.PathLike] | None = None,
    out: str | os.PathLike = DEFAULT_OUT,
    src: str | os.PathLike = DEFAULT_SRC,
    log=print,
) -> list[Path]:
    """Write the student edition of ``notebooks`` into ``out``; return the files.

    Args:
        notebooks: notebooks to convert; None for every ``*.ipynb`` in ``src``,
            which then rebuilds ``out`` whole (stale files go, assets are copied).
        out: the output folder.
        src: the source folder used when ``notebooks`` is None.
        log: called with one line per notebook (None for silence).

    Raises:
        SolutionMarkerError: a notebook's markers are unbalanced; nothing written.
    """
    out = Path(out)
    rebuild = notebooks is None
    paths = (
        sorted(Path(src).glob("*.ipynb")) if rebuild else [Path(p) for p in notebooks]
    )
    if rebuild and not Path(src).is_dir():
        raise FileNotFoundError(f"{_display(Path(src))}: no such folder")
    converted = _convert_all(paths)
    out.mkdir(parents=True, exist_ok=True)  # also checks that out is no file
    if rebuild:
        target = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        target.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would stick
    else:
        target = out
    try:
        for path, student, _ in converted:
            write_notebook_atomic(student, target / path.name)
        if rebuild:
            _copy_assets(Path(src), target)
            _swap_in(target, out)
    finally:
        if rebuild and target.exists():
            shutil.rmtree(target)
    written = [out / path.name for path, _, _ in converted]
    for (path, _, regions), dest in zip(converted, written, strict=True):
        if log is not None:
            plural = "s" * (regions != 1)
            log(
                f"{_display(path)} -> {_display(dest)} "
                f"({regions} solution region{plural} removed)"
            )
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK")
    parser.add_argument(
        "--src",
        type=Path,
        default=DEFAULT_SRC,
        help="source folder when no NOTEBOOK is given",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    try:
        make_student_edition(args.notebooks or None, out=args.out, src=args.src)
    except (ValueError, nbformat.ValidationError) as exc:
        print(f"make_student: error: {exc}", file=sys.stderr)
        print("make_student: nothing was written.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"make_student: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
