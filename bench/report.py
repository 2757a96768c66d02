"""The speed bench's derived figures (a pure ``summarise``) and its Markdown."""

from __future__ import annotations

import copy

from bench.arithmetic import (
    curve_difference,
    dense_forward_flops,
    epoch_flops,
    split_sizes,
    steady_epoch_s,
)
from bench.configs import FAST_LABEL, LECTURE, N_CLASSES

__all__ = [
    "format_or_dash",
    "markdown_report",
    "markdown_table",
    "succeeded",
    "summarise",
]

PLAIN_CONFIG = "lecture (plain fit)"
PLAIN_LEVER = "plain fit (default)"


def succeeded(rows: list[dict]) -> list[dict]:
    """The rows whose worker did not fail."""
    return [r for r in rows if "error" not in r]


def format_or_dash(value, fmt: str) -> str:
    """``value`` formatted with ``fmt``, or an en dash for a missing value."""
    return "–" if value is None else format(value, fmt)


def _find(rows: list[dict], **match) -> dict | None:
    return next(
        (r for r in succeeded(rows) if all(r.get(k) == v for k, v in match.items())),
        None,
    )


def _derive(row: dict, gflops: float | None, base: dict | None) -> None:
    row["s_per_epoch"] = steady_epoch_s(row["epoch_s"])
    row["samples_per_s"] = row["n_train"] / row["s_per_epoch"]
    sizes = (784, *row["spec"]["hidden"], N_CLASSES)
    flops = epoch_flops(sizes, row["n_train"], row["n_val"])
    row["epoch_gflop"] = flops / 1e9
    if gflops:
        row["floor_s"] = flops / 1e9 / gflops
        row["x_floor"] = row["s_per_epoch"] / row["floor_s"]
    if base is not None:
        row["speedup"] = base["s_per_epoch"] / row["s_per_epoch"]


def _compare(row: dict, plain: dict) -> None:
    row["curve_diff"] = curve_difference(row["history"], plain["history"])
    if "test_acc" in row and "test_acc" in plain:
        row["test_acc_diff"] = row["test_acc"] - plain["test_acc"]
    row["speedup_same_backend"] = plain["s_per_epoch"] / row["s_per_epoch"]


def summarise(results: dict) -> dict:
    """A copy of ``results`` with derived figures: s/epoch, samples/s, distance
    from the arithmetic floor, speed ratios, curve differences."""
    out = copy.deepcopy(results)
    gflops = out.get("floor", {}).get("gflops")
    configs = out.get("configs", {}).get("rows", [])
    base = _find(configs, name=PLAIN_CONFIG, backend="tensorflow")
    for row in succeeded(configs):
        _derive(row, gflops, base)
    for row in succeeded(configs):
        plain = _find(configs, name=PLAIN_CONFIG, backend=row["backend"])
        if row["name"].startswith("lecture +") and plain:
            _compare(row, plain)
    levers = out.get("levers", {}).get("rows", [])
    for row in succeeded(levers):
        _derive(row, gflops, None)
    for row in succeeded(levers):
        plain = _find(levers, lever=PLAIN_LEVER, backend=row["backend"])
        if plain:
            row["speedup"] = plain["s_per_epoch"] / row["s_per_epoch"]
            _compare(row, plain)
    return out


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table's lines."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def _errors(rows: list[dict], key: str) -> list[str]:
    return [f"- {r[key]}: **failed** ({r['error']})" for r in rows if "error" in r]


def machine_header(results: dict) -> list[str]:
    """The lines that say where, when and with which code a result was made."""
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    load = ", ".join(f"{x:.1f}" for x in m["load_average_at_start"])
    quick = (
        " **Quick mode: tiny data, not representative.**" if results["quick"] else ""
    )
    return [
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, "
        f"{format_or_dash(m['memory_gb'], '.0f')} GB RAM, {m['os']}; Python"
        f" {m['python']}, {versions}. Load average at start: {load}.{quick}",
        "",
        f"Written by the bench sources with SHA-256 `{results['sources_sha256']}`"
        " (`bench.source_digest()`; `tests/bench` checks it against the committed"
        " code).",
        "",
    ]


def markdown_report(results: dict) -> str:
    """The results as Markdown: machine, then one table per part."""
    out = ["# Benchmark results", "", *machine_header(results)]
    for part, render in (
        ("configs", _md_configs),
        ("levers", _md_levers),
        ("floor", _md_floor),
        ("loader", _md_loader),
        ("notebooks", _md_notebooks),
    ):
        if part in results and "error" in results[part]:
            out += [f"## {part}: **failed** ({results[part]['error']})", ""]
        elif part in results:
            out += render(results) + [""]
    out.append(f"Bench run time: {results['bench_s']:.0f} s.")
    return "\n".join(out) + "\n"


def _md_configs(results: dict) -> list[str]:
    rows = results["configs"]["rows"]
    body = [
        [
            r["name"],
            r["backend"],
            str(r["epochs_run"]),
            format_or_dash(r["s_per_epoch"], ".2f"),
            format_or_dash(r["fit_s"], ".1f"),
            format_or_dash(r["samples_per_s"], ",.0f"),
            format_or_dash(r.get("x_floor"), ".0f") + "×",
            format_or_dash(r.get("speedup"), ".2f") + "×",
            format_or_dash(r.get("test_acc"), ".4f"),
            format_or_dash(r["peak_rss_mb"], ",.0f"),
        ]
        for r in succeeded(rows)
    ]
    header = ["configuration", "backend", "epochs", "s/epoch", "fit s", "samples/s"]
    header += ["× floor", "speed vs lecture", "test acc", "peak MB"]
    return [
        "## Training configurations (Fashion-MNIST, same run)",
        "",
        "s/epoch: median epoch without the first (which also compiles); samples/s:"
        " training samples per second of an epoch (validation included in its"
        " time); × floor: s/epoch over the arithmetic floor; speed: the lecture's"
        " plain-fit s/epoch on TensorFlow over this one; test acc: the final"
        " weights (these are baselines, nothing is chosen on them); peak MB: the"
        " process's peak RSS.",
        "",
        *markdown_table(header, body),
        *_errors(rows, "name"),
    ]


def _md_levers(results: dict) -> list[str]:
    part = results["levers"]
    body = [
        [
            r["backend"],
            r["lever"],
            format_or_dash(r["s_per_epoch"], ".2f"),
            format_or_dash(r.get("speedup"), ".2f") + "×",
            format_or_dash(r.get("curve_diff"), ".1e"),
            "yes" if r.get("curve_diff", 1.0) < 1e-3 else "**no, results change**",
        ]
        for r in succeeded(part["rows"])
    ]
    header = ["backend", "lever", "s/epoch", "speedup", "Δ curves", "same results"]
    return [
        f"## Speed levers for the lecture configuration ({part['epochs']} epochs each)",
        "",
        "speedup: plain fit's s/epoch over the lever's, same backend; Δ curves: the"
        " largest difference of any History metric (training and validation loss"
        " and accuracy) in any epoch.",
        "",
        *markdown_table(header, body),
        *_errors(part["rows"], "lever"),
        "",
        *_where_time_goes(results),
    ]


def _where_time_goes(results: dict) -> list[str]:
    floor = results.get("floor", {})
    levers = results["levers"]["rows"]
    plain = _find(levers, backend="tensorflow", lever=PLAIN_LEVER)
    fast = _find(levers, backend="tensorflow", lever=FAST_LABEL)
    if not (plain and fast and "gflops" in floor):
        return []
    b = LECTURE["batch_size"]
    steps = -(-plain["n_train"] // b) + -(-plain["n_val"] // b)
    per_step = [1e6 * r["s_per_epoch"] / steps for r in (plain, fast)]
    step_flops = dense_forward_flops((784, *LECTURE["hidden"], N_CLASSES)) * 3 * b
    arith = 1e6 * step_flops / (floor["gflops"] * 1e9)
    small = 1e6 * floor["step32_s"]
    overhead = 1 - fast["s_per_epoch"] / plain["s_per_epoch"]
    return [
        "### Where the time of a batch-32 step goes (TensorFlow)",
        "",
        f"- plain fit: {per_step[0]:.0f} µs per step ({steps} training + validation"
        f" steps per epoch); with {FAST_LABEL}: {per_step[1]:.0f} µs.",
        f"- arithmetic: {step_flops / 1e6:.1f} MFLOP per training step ="
        f" {arith:.0f} µs at the large-matmul rate; the same matmuls at batch-32"
        f" shapes in NumPy take {small:.0f} µs.",
        f"- so {100 * overhead:.0f} % of plain fit's step is per-step overhead"
        " (a Python → backend round trip, callbacks, iterator) that"
        " steps_per_execution removes; what remains is small-matrix arithmetic"
        " and per-op dispatch.",
    ]


def _md_floor(results: dict) -> list[str]:
    f = results["floor"]
    n_train, n_val = split_sizes(60000, LECTURE["validation_split"])
    flops = epoch_flops((784, *LECTURE["hidden"], N_CLASSES), n_train, n_val)
    return [
        "## Arithmetic floor",
        "",
        f"- float32 matmul, {f['n']}×{f['n']} (NumPy, best of several):"
        f" **{f['gflops']:.0f} GFLOP/s**; the batch-32 matmuls of one lecture step:"
        f" {f['step32_gflops']:.0f} GFLOP/s.",
        f"- one lecture epoch: 3 × 2 × (784·128 + 128·10) FLOPs × {n_train:,} training"
        f" samples + one forward × {n_val:,} validation samples ="
        f" {flops / 1e9:.1f} GFLOP → floor"
        f" **{flops / 1e9 / f['gflops']:.2f} s/epoch**.",
    ]


def _md_loader(results: dict) -> list[str]:
    part = results["loader"]
    ok = succeeded(part["rows"])
    ref = next((r["best_s"] for r in ok if r["loader"].startswith("keras")), None)
    body = [
        [
            r["loader"],
            format_or_dash(r["best_s"], ".2f"),
            format_or_dash(r["best_s"] / ref if ref else None, ".2f") + "×",
        ]
        for r in ok
    ]
    same = "yes" if part["same_arrays"] else "**no**"
    return [
        "## Loading Fashion-MNIST (the same four files, primed Keras cache)",
        "",
        *markdown_table(["loader", "seconds (best)", "vs keras"], body),
        *_errors(part["rows"], "loader"),
        "",
        f"Same arrays from every loader: {same}.",
    ]


def _md_notebooks(results: dict) -> list[str]:
    part = results["notebooks"]
    body = [
        [
            r["notebook"],
            format_or_dash(r["seconds"], ".1f"),
            "ok" if r["error"] is None else f"**{r['error']}**",
        ]
        for r in part["rows"]
    ]
    total = [["**total**", f"**{part['total_s']:.1f}**", ""]]
    return [
        "## Notebook execution (fresh kernel, top to bottom, tools.notebooks.execute)",
        "",
        *markdown_table(["notebook", "seconds", "status"], body + total),
    ]
