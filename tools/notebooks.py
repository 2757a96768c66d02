"""Execute a notebook and write files atomically: the one copy of each.

``execute`` runs a notebook top to bottom in a fresh ``python3`` kernel with the
course's kernel environment, in a given folder. ``write_atomic`` and
``write_notebook_atomic`` write through a temporary file in the target folder, so
a failure leaves the old file (or nothing) and never a half-written one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat

from tools.kernel_env import apply as apply_kernel_env

__all__ = ["execute", "strip_stderr", "write_atomic", "write_notebook_atomic"]


def execute(
    nb: nbformat.NotebookNode, cwd: str | os.PathLike, timeout: int = 900
) -> nbformat.NotebookNode:
    """Run ``nb`` in place, top to bottom, in a fresh kernel started in ``cwd``."""
    from nbclient import NotebookClient

    apply_kernel_env()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
    ).execute()
    return nb


def strip_stderr(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop stderr outputs and widget state: library noise, never the lesson."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("name") != "stderr"]
    nb.metadata.pop("widgets", None)
    return nb


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would stick
        with os.fdopen(fd, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_notebook_atomic(nb: nbformat.NotebookNode, path: str | os.PathLike) -> Path:
    """Validate and write a notebook atomically (nbformat's own JSON layout)."""
    return write_atomic(path, nbformat.writes(nb) + "\n")
