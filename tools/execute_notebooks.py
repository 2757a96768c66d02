"""Re-execute notebooks in place, top to bottom, in a fresh kernel.

Usage: python -m tools.execute_notebooks [NOTEBOOK ...]   (default: all)

The kernel gets the same environment as the nbval checks (tools.kernel_env) and
runs in the notebook's own folder. stderr outputs (library warnings, never part
of the lesson) are dropped, as nbval does not compare them. The result is
written atomically, so a failed run leaves the notebook as it was.
"""

import sys
from pathlib import Path

import nbformat

from tools.notebooks import execute, strip_stderr, write_notebook_atomic

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path} ...", flush=True)
        nb = execute(nbformat.read(path, as_version=4), cwd=path.parent)
        write_notebook_atomic(strip_stderr(nb), path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
