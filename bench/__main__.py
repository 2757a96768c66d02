"""Command line of the speed bench: ``python -m bench`` (``make bench``).

Usage:
    python -m bench                          # full run, 13-20 min on 2 cores
    python -m bench --quick --out /tmp/b     # tiny settings, a smoke test (~1 min)
    python -m bench --parts floor,configs,levers

Writes ``results.json`` and ``results.md`` into ``--out`` (default: bench/) and
prints the tables. Every training runs in its own subprocess (bench.workers). The
machines are shared and noisy: compare ratios within one run, not absolute times
across runs. The model search is ``python -m bench.selection``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

from bench import BENCH_DIR, source_digest
from bench.configs import RunSettings
from bench.parts import ALL_PARTS, PARTS, QUICK_PARTS, machine_info
from bench.report import markdown_report, summarise
from tools.notebooks import write_atomic


def parse_parts(text: str | None, quick: bool, known=ALL_PARTS, default=None):
    """The parts to run, in bench order; ``text`` is comma-separated names."""
    if not text:
        return list(default or (QUICK_PARTS if quick else known))
    names = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in names if p not in known]
    if unknown or not names:
        raise ValueError(f"unknown parts {unknown}; choose from {', '.join(known)}")
    return [p for p in known if p in names]


def run_parts(
    parts: list[str], run: RunSettings, registry: Mapping[str, Callable]
) -> dict:
    """Run ``parts`` in order; a failing part is recorded and the others go on."""
    start = time.perf_counter()
    results: dict = {
        "machine": machine_info(),
        "sources_sha256": source_digest(),
        "quick": run.quick,
        "run_settings": run.as_dict(),
        "parts": parts,
    }
    for part in parts:
        print(f"[{part}]", flush=True)
        part_start = time.perf_counter()
        try:
            results[part] = registry[part](run)
        except Exception as exc:  # one broken part must not lose the others
            traceback.print_exc()
            results[part] = {"error": f"{type(exc).__name__}: {exc}"}
        results[part]["part_s"] = time.perf_counter() - part_start
    results["bench_s"] = time.perf_counter() - start
    return results


def write_results(out: Path | None, results: dict, report: str) -> None:
    """results.json and results.md into ``out`` (nothing if ``out`` is None)."""
    if out is not None:
        write_atomic(out / "results.json", json.dumps(results, indent=1) + "\n")
        write_atomic(out / "results.md", report)


def run_bench(parts: list[str], quick: bool, out: Path | None) -> dict:
    """Run the speed parts, summarise, write results.json and results.md."""
    run = RunSettings.quick_run() if quick else RunSettings.full()
    results = summarise(run_parts(parts, run, PARTS))
    report = markdown_report(results)
    write_results(out, results, report)
    print(report)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny data and epochs: checks the bench, not the machine",
    )
    parser.add_argument("--parts", help=f"comma-separated, from {', '.join(ALL_PARTS)}")
    parser.add_argument(
        "--out", type=Path, default=BENCH_DIR, help="folder for results.json and .md"
    )
    args = parser.parse_args(argv)
    try:
        parts = parse_parts(args.parts, args.quick)
    except ValueError as exc:
        parser.error(str(exc))
    run_bench(parts, args.quick, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
