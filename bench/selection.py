"""The honest model search for notebook 07 (``python -m bench.selection``).

Three parts, in this order, each a mean over several seeds:

``search``
    Candidates around SEARCH_CENTRE, one axis at a time, scored on the
    **validation set only** (the weights early stopping restored); where an
    axis' best value is at the end of its range, the next value is added, so the
    grid reaches past its winner. A two-hidden-layer control is scored too. The
    rule, fixed in advance: the highest mean validation accuracy among the
    one-hidden-layer candidates whose mean training time is within
    TIME_BUDGET_S. No test score is computed for any candidate.
``moonshot``
    The chosen configuration on TensorFlow over MOONSHOT_SEEDS: the only test
    scores in ``search/results.json``, with the training time of each run and
    the accuracy on the fitting images in inference mode (the true gap).
``ladder``
    The ablation ladder from the lecture to the chosen configuration, one change
    per rung, and the two-layer control: validation, then test, per rung, with
    the seed-to-seed noise floor. Written to ``ladder/results.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path

from bench.__main__ import parse_parts, run_parts, write_results
from bench.arithmetic import mean_sd
from bench.configs import (
    LADDER_RESULTS,
    SEARCH_AXES,
    SEARCH_CENTRE,
    SEARCH_EXTEND,
    SEARCH_RESULTS,
    TIME_BUDGET_S,
    TWO_LAYER_HIDDEN,
    RunSettings,
    chosen_config,
    describe,
    ladder_rungs,
    with_axis,
)
from bench.report import format_or_dash, machine_header, markdown_table
from bench.workers import run_worker

SELECTION_PARTS = ("search", "moonshot", "ladder")


def _key(spec: Mapping) -> str:
    return json.dumps(spec, sort_keys=True)


def score(name: str, spec: Mapping, seeds, backend: str, run: RunSettings) -> dict:
    """``spec`` trained once per seed (one worker process for all seeds);
    per-seed results and their mean ± sd."""
    job = {"worker": "keras_fits", **spec, **run.data, "seeds": list(seeds)}
    if run.max_epochs:
        job["epochs"] = min(spec["epochs"], run.max_epochs)
    print(f"  {name} [{backend}, seeds {', '.join(map(str, seeds))}] ...", flush=True)
    result = run_worker(job, env={"KERAS_BACKEND": backend}, timeout=3600)
    runs = result.get("runs") or [
        {"spec": {**spec, "seed": s}, **result} for s in seeds
    ]
    return {
        "name": name,
        "spec": dict(spec),
        "backend": backend,
        **summarise_runs(runs),
    }


def summarise_runs(runs: list[dict]) -> dict:
    """Mean and sd over seeds of every score the runs share."""
    ok = [r for r in runs if "error" not in r]
    out: dict = {"runs": runs, "n_ok": len(ok)}
    if not ok:
        return out
    for key in ("val_acc", "val_loss", "test_acc", "fit_acc", "fit_s", "epochs_run"):
        if all(key in r for r in ok):
            out[f"{key}_mean"], out[f"{key}_sd"] = mean_sd([r[key] for r in ok])
    out["fit_s_max"] = max(r["fit_s"] for r in ok)
    return out


def _search_axis(axis, values, centre, scored, run, backend) -> list:
    """Score one axis' values, extending past the best value while it sits at
    an end of the range (once per end); return the values tried."""
    values = sorted(values)
    extend = dict(SEARCH_EXTEND[axis])
    while True:
        for value in values:
            spec = with_axis(centre, axis, value)
            if _key(spec) not in scored:
                label = f"{axis} = {value:g}"
                scored[_key(spec)] = {"axis": axis, "value": value}
                scored[_key(spec)].update(score(label, spec, run.seeds, backend, run))
        means = [
            scored[_key(with_axis(centre, axis, v))].get("val_acc_mean", 0)
            for v in values
        ]
        best = values[means.index(max(means))]
        end = "high" if best == values[-1] else "low" if best == values[0] else None
        if end is None or end not in extend:
            return values
        values = sorted({*values, extend.pop(end)})


def choose(rows: list[dict], budget_s: float = TIME_BUDGET_S) -> dict | None:
    """The rule fixed in advance: best mean validation accuracy among the
    one-hidden-layer rows whose mean training time is within ``budget_s``; if
    none is (a loaded machine), the best one-hidden-layer row, and the report
    says that its time is over the budget."""
    ok = [r for r in rows if r.get("n_ok") and len(r["spec"]["hidden"]) == 1]
    fast = [r for r in ok if r["fit_s_mean"] <= budget_s]
    best = max(fast or ok, key=lambda r: r["val_acc_mean"], default=None)
    return None if best is None else best["spec"]


def part_search(run: RunSettings, backend: str = "tensorflow") -> dict:
    centre = dict(SEARCH_CENTRE)
    scored: dict[str, dict] = {_key(centre): {"axis": "centre", "value": None}}
    scored[_key(centre)].update(score("centre", centre, run.seeds, backend, run))
    axes = {
        axis: _search_axis(axis, values, centre, scored, run, backend)
        for axis, values in SEARCH_AXES.items()
    }
    control = {**centre, "hidden": list(TWO_LAYER_HIDDEN)}
    rows = list(scored.values())
    rows.append(
        {
            "axis": "control",
            "value": None,
            **score(f"control {TWO_LAYER_HIDDEN}", control, run.seeds, backend, run),
        }
    )
    for row in rows:
        assert all("test_acc" not in r for r in row["runs"]), "search saw the test set"
    return {"backend": backend, "axes": axes, "rows": rows, "chosen": choose(rows)}


def part_moonshot(run: RunSettings, chosen: Mapping) -> dict:
    spec = {**chosen, "evaluate_test": True, "evaluate_fit": True}
    result = score("chosen", spec, run.moonshot_seeds, "tensorflow", run)
    return {"spec": dict(chosen), "budget_s": TIME_BUDGET_S, **result}


def part_ladder(run: RunSettings, chosen: Mapping, moonshot: Mapping | None) -> dict:
    rows = []
    for name, spec in ladder_rungs(chosen):
        if moonshot and spec == dict(chosen):
            runs = [r for r in moonshot["runs"] if r["spec"]["seed"] in run.seeds]
            rows.append({"name": name, "spec": spec, **summarise_runs(runs)})
            continue
        scored = {**spec, "evaluate_test": True, "evaluate_fit": True}
        rows.append({**score(name, scored, run.seeds, "tensorflow", run), "spec": spec})
    return {"rows": rows, "noise": noise_floor(rows)}


def noise_floor(rows: list[dict]) -> dict:
    """Pooled seed-to-seed sd of validation and test accuracy over the rungs, and
    the binomial standard error of one validation accuracy."""
    out = {}
    for key in ("val_acc", "test_acc"):
        sds = [r[f"{key}_sd"] for r in rows if f"{key}_sd" in r]
        if sds:
            out[f"{key}_sd_pooled"] = math.sqrt(sum(s * s for s in sds) / len(sds))
    accs = [(r["val_acc_mean"], r["runs"][0]["n_val"]) for r in rows if r.get("n_ok")]
    if accs:
        p, n = accs[-1]
        out["val_binomial_se"] = math.sqrt(p * (1 - p) / n)
    return out


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def _pm(row: Mapping, key: str) -> str:
    if f"{key}_mean" not in row:
        return "–"
    return f"{row[f'{key}_mean']:.4f} ± {row[f'{key}_sd']:.4f}"


def md_search(results: dict) -> list[str]:
    part = results["search"]
    rows = sorted(
        (r for r in part["rows"] if r.get("n_ok")),
        key=lambda r: r["val_acc_mean"],
        reverse=True,
    )
    body = [
        [
            r["name"],
            str(r["n_ok"]),
            _pm(r, "val_acc"),
            format_or_dash(r.get("epochs_run_mean"), ".1f"),
            format_or_dash(r.get("fit_s_mean"), ".1f"),
        ]
        for r in rows
    ]
    axes = "; ".join(
        f"{a}: {', '.join(f'{v:g}' for v in vs)}" for a, vs in part["axes"].items()
    )
    chosen = part["chosen"]
    return [
        f"## Search (validation only, {part['backend']})",
        "",
        f"Centre: {describe(SEARCH_CENTRE)}. Axes varied one at a time: {axes}.",
        "The validation accuracy is that of the weights early stopping restored,"
        " so it is optimistic: the same images chose the epoch. No test score was"
        " computed for any candidate.",
        "",
        *markdown_table(
            ["candidate", "seeds", "val acc (mean ± sd)", "epochs", "fit s"], body
        ),
        "",
        "Rule fixed in advance: the highest mean validation accuracy among"
        f" one-hidden-layer candidates with mean training ≤ {TIME_BUDGET_S:.0f} s.",
        f"Chosen: {describe(chosen) if chosen else 'none'}.",
    ]


def md_moonshot(results: dict) -> list[str]:
    part = results["moonshot"]
    runs = [r for r in part["runs"] if "error" not in r]
    body = [
        [
            str(r["spec"]["seed"]),
            str(r["epochs_run"]),
            f"{r['fit_s']:.1f}",
            f"{r['val_acc']:.4f}",
            f"{r['fit_acc']:.4f}",
            f"{r['test_acc']:.4f}",
        ]
        for r in runs
    ]
    if not runs:
        return ["## Moonshot", "", "**failed**"]
    short = 0.9 - part["test_acc_mean"]
    verdict = "reached" if short <= 0 else f"not reached, {short:.4f} short"
    return [
        "## Moonshot: the chosen configuration on the test set (TensorFlow)",
        "",
        f"{describe(part['spec'])}.",
        "",
        *markdown_table(
            ["seed", "epochs", "fit s", "val acc", "fit acc (inference)", "test acc"],
            body,
        ),
        "",
        f"Mean over {len(runs)} seeds: test accuracy **{_pm(part, 'test_acc')}**,"
        f" training {part['fit_s_mean']:.1f} s (max {part['fit_s_max']:.1f} s,"
        f" budget {part['budget_s']:.0f} s). Goal 0.900:"
        f" {verdict}.",
    ]


def md_ladder(results: dict) -> list[str]:
    part = results["ladder"]
    body = [
        [
            r["name"],
            str(r.get("n_ok", 0)),
            _pm(r, "val_acc"),
            _pm(r, "test_acc"),
            _pm(r, "fit_acc"),
            format_or_dash(r.get("epochs_run_mean"), ".1f"),
            format_or_dash(r.get("fit_s_mean"), ".1f"),
        ]
        for r in part["rows"]
    ]
    noise = {k: format_or_dash(v, ".4f") for k, v in part["noise"].items()}
    return [
        "## Ablation ladder (TensorFlow; validation, then test)",
        "",
        "Each rung adds one change to the one above; fit acc: the fitting images"
        " in inference mode (dropout off), final weights.",
        "",
        *markdown_table(
            ["rung", "seeds", "val acc", "test acc", "fit acc", "epochs", "fit s"],
            body,
        ),
        "",
        "Noise floor: pooled seed-to-seed sd of validation accuracy"
        f" {noise.get('val_acc_sd_pooled', '–')}, of test accuracy"
        f" {noise.get('test_acc_sd_pooled', '–')}; binomial SE of one validation"
        f" accuracy {noise.get('val_binomial_se', '–')}.",
    ]


def selection_report(results: dict, sections) -> str:
    out = ["# Model selection results", "", *machine_header(results)]
    for part, render in sections:
        if part in results and "error" in results[part]:
            out += [f"## {part}: **failed** ({results[part]['error']})", ""]
        elif part in results:
            out += render(results) + [""]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny data: a smoke test")
    parser.add_argument(
        "--parts", help=f"comma-separated, from {', '.join(SELECTION_PARTS)}"
    )
    parser.add_argument("--search-backend", default="tensorflow")
    parser.add_argument("--search-out", type=Path, default=SEARCH_RESULTS.parent)
    parser.add_argument("--ladder-out", type=Path, default=LADDER_RESULTS.parent)
    args = parser.parse_args(argv)
    try:
        parts = parse_parts(args.parts, args.quick, SELECTION_PARTS, SELECTION_PARTS)
    except ValueError as exc:
        parser.error(str(exc))
    run = RunSettings.quick_run() if args.quick else RunSettings.full()
    state: dict = {"chosen": chosen_config(args.search_out / "results.json")}

    def search(r):
        found = part_search(r, args.search_backend)
        state["chosen"] = found["chosen"]
        return found

    def moonshot(r):
        state["moonshot"] = part_moonshot(r, state["chosen"])
        return state["moonshot"]

    registry = {
        "search": search,
        "moonshot": moonshot,
        "ladder": lambda r: part_ladder(r, state["chosen"], state.get("moonshot")),
    }
    search_parts = [p for p in parts if p != "ladder"]
    if search_parts:
        results = run_parts(search_parts, run, registry)
        sections = (("search", md_search), ("moonshot", md_moonshot))
        write_results(args.search_out, results, selection_report(results, sections))
    if "ladder" in parts:
        results = run_parts(["ladder"], run, registry)
        sections = (("ladder", md_ladder),)
        write_results(args.ladder_out, results, selection_report(results, sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
