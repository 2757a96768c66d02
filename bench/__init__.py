"""Measurements of the course: notebook timings, training speed, the loader, and
the honest model search for notebook 07.

``python -m bench`` (``make bench``) measures speed; ``python -m bench.selection``
runs the model search, the ablation ladder and the moonshot. Every results file
records ``sources_sha256``, the digest of the bench's own code that wrote it, and
``tests/bench`` fails when it no longer matches the committed sources.

Modules: ``configs`` (every configuration and the run settings), ``workers``
(one training or measurement, run in its own process), ``arithmetic`` (FLOPs,
splits, curve comparisons, mean and spread), ``parts`` (the speed bench's parts),
``report`` (summary and Markdown tables), ``selection`` (search, ladder,
moonshot) and ``__main__`` (the command line).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["BENCH_DIR", "source_digest"]

BENCH_DIR = Path(__file__).resolve().parent


def source_digest(folder: Path = BENCH_DIR) -> str:
    """SHA-256 over the bench's Python sources (``*.py`` in ``folder``, sorted by
    name; each file's name and bytes), the fingerprint a results file records."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()
