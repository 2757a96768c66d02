"""Re-execute notebooks in place, top to bottom, in a fresh kernel.

Usage: python tools/execute_notebooks.py [NOTEBOOK ...]   (default: all)

The kernel gets the same environment as the nbval checks (conftest.KERNEL_ENV)
and runs in the notebook's own folder. stderr outputs (library warnings, never
part of the lesson) are dropped, as nbval does not compare them. The result is
written through a temporary file, so a failed run leaves the notebook as it was.
"""

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from conftest import KERNEL_ENV  # noqa: E402


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    nb.metadata.pop("widgets", None)
    fd, tmp = tempfile.mkstemp(suffix=".ipynb", dir=path.parent)
    os.close(fd)
    nbformat.write(nb, tmp)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    for name, value in KERNEL_ENV.items():
        os.environ.setdefault(name, value)
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path} ...", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
