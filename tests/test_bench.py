"""Smoke and unit tests of bench/bench.py on tiny settings (no full training)."""

import json
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bench import bench  # noqa: E402

TINY = {"data": "synthetic", "n_train": 320, "n_test": 64, "epochs": 2}


# --- arithmetic ------------------------------------------------------------


def test_forward_flops_are_twice_the_kernel_weights_keras_counts():
    import keras

    model = bench.build_model(bench.LECTURE)
    kernels = sum(
        int(np.prod(w.shape)) for w in model.trainable_weights if len(w.shape) == 2
    )
    assert kernels == 784 * 128 + 128 * 10
    assert bench.dense_forward_flops((784, 128, 10)) == 2 * kernels
    assert isinstance(model, keras.Sequential)


def test_forward_flops_match_a_numpy_matmul_count():
    sizes = (5, 4, 3)
    x = np.ones((1, 5))
    flops = 0
    for a, b in zip(sizes[:-1], sizes[1:], strict=False):
        w = np.ones((a, b))
        flops += 2 * x.shape[1] * w.shape[1]  # one multiply and one add per weight
        x = x @ w
    assert bench.dense_forward_flops(sizes) == flops


@pytest.mark.parametrize("sizes", [(784,), (), (784, 0), (784, 12.5)])
def test_forward_flops_reject_bad_sizes(sizes):
    with pytest.raises(ValueError, match="positive layer sizes"):
        bench.dense_forward_flops(sizes)


def test_epoch_flops_count_three_forwards_per_training_sample():
    forward = bench.dense_forward_flops((784, 128, 10))
    assert bench.epoch_flops((784, 128, 10), 48000, 12000) == forward * (
        3 * 48000 + 12000
    )
    assert bench.epoch_flops((784, 128, 10), 10) == 3 * 10 * forward
    with pytest.raises(ValueError, match=">= 0"):
        bench.epoch_flops((784, 10), -1)


@pytest.mark.parametrize("n, split", [(60000, 0.2), (1001, 0.2), (97, 0.33), (5, 0.0)])
def test_split_sizes_cut_where_keras_cuts(n, split):
    from keras.src.trainers.data_adapters.array_slicing import (
        train_validation_split,
    )

    if split:
        train, val = train_validation_split((np.arange(n),), split)
        expected = (len(train[0]), len(val[0]))
    else:
        expected = (n, 0)
    assert bench.split_sizes(n, split) == expected


@pytest.mark.parametrize("split", [-0.1, 1.0, 2])
def test_split_sizes_reject_bad_fractions(split):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        bench.split_sizes(100, split)


def test_curve_difference():
    a = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}
    b = {"loss": [1.0, 0.25], "val_loss": [1.3, 0.7]}
    assert bench.curve_difference(a, a) == 0.0
    assert bench.curve_difference(a, b) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="different metrics"):
        bench.curve_difference(a, {"loss": [1.0, 0.5]})
    with pytest.raises(ValueError, match="epochs"):
        bench.curve_difference(a, {"loss": [1.0], "val_loss": [1.2]})


def test_steady_epoch_s_skips_the_compiling_first_epoch():
    assert bench.steady_epoch_s([9.0, 1.0, 3.0, 2.0]) == 2.0
    assert bench.steady_epoch_s([4.0]) == 4.0
    with pytest.raises(ValueError, match="no epoch"):
        bench.steady_epoch_s([])


# --- workers, in process, on small random data ------------------------------


def _fit(**change):
    return bench.run_keras_fit({**bench.LECTURE, **TINY, **change})


def test_keras_fit_worker_reports_a_complete_run():
    result = _fit()
    assert result["n_train"] + result["n_val"] == TINY["n_train"]
    assert result["n_train"] == 256
    assert result["epochs_run"] == len(result["epoch_s"]) == 2
    assert set(result["history"]) == {
        "loss",
        "sparse_categorical_accuracy",
        "val_loss",
        "val_sparse_categorical_accuracy",
    }
    assert 0.0 <= result["test_acc"] <= 1.0
    assert result["fit_s"] >= sum(result["epoch_s"]) > 0
    assert result["peak_rss_mb"] > 10


def test_steps_per_execution_gives_the_same_curves_as_plain_fit():
    plain = _fit()
    fast = _fit(compile={"steps_per_execution": 8})
    assert bench.curve_difference(plain["history"], fast["history"]) < 1e-5
    assert fast["test_acc"] == pytest.approx(plain["test_acc"], abs=1e-6)


def test_pydataset_input_and_early_stopping_run():
    result = _fit(input="pydataset", patience=1, epochs=3, dropout=0.2)
    assert result["n_val"] == 64
    assert 1 <= result["epochs_run"] <= 3
    assert len(result["history"]["val_loss"]) == result["epochs_run"]


def test_tutorial_config_uses_logits_and_no_validation():
    result = bench.run_keras_fit({**bench.TUTORIAL, **TINY, "epochs": 1})
    assert result["n_val"] == 0
    assert set(result["history"]) == {"loss", "accuracy"}


def test_sklearn_worker():
    result = bench.run_sklearn_mlp({"units": 8, "max_iter": 2, **TINY})
    assert result["epochs_run"] == 2
    assert result["n_train"] == TINY["n_train"]
    assert 0.0 <= result["test_acc"] <= 1.0


def test_matmul_worker_rates_are_consistent():
    result = bench.run_matmul({"n": 64, "repeat": 2, "step_loops": 5})
    assert result["gflops"] > 0
    step_flops = 2 * 32 * (2 * 784 * 128 + 3 * 128 * 10)
    assert result["step32_gflops"] == pytest.approx(
        step_flops / result["step32_s"] / 1e9
    )


def test_utils_loader_worker_reads_the_primed_cache(tmp_path):
    bench.prime_keras_cache(tmp_path)
    spec = {"keras_home": str(tmp_path), "repeat": 1, "loader": "utils"}
    verified = bench.run_loader({**spec, "verify": True})
    fast = bench.run_loader({**spec, "verify": False})
    assert verified["sha256"] == fast["sha256"]
    assert verified["best_s"] > 0


# --- orchestration -----------------------------------------------------------


def test_run_worker_reports_a_failure_instead_of_raising(tmp_path):
    spec = {
        "worker": "loader",
        "loader": "utils",
        "keras_home": str(tmp_path),
        "verify": False,
        "repeat": 1,
    }
    result = bench.run_worker(spec)
    assert "error" in result
    assert result["error"].startswith("DataNotFoundError: Fashion-MNIST not found")


def test_worker_env_keeps_the_notebook_settings_and_sets_the_backend():
    env = bench.worker_env("jax")
    assert env["KERAS_BACKEND"] == "jax"
    assert env["PYTHONHASHSEED"] == "0"
    assert env["TF_DETERMINISTIC_OPS"] == "1"


def test_time_notebooks_runs_a_copy_and_records_errors(tmp_path):
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    for path, source in ((good, "x = 1 + 1"), (bad, "1 / 0")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nbformat.write(nb, path)
    before = good.read_text()
    rows = bench.time_notebooks([good, bad])
    assert [r["notebook"] for r in rows] == ["good.ipynb", "bad.ipynb"]
    assert rows[0]["error"] is None and rows[0]["seconds"] > 0
    assert "ZeroDivisionError" in rows[1]["error"]
    assert good.read_text() == before  # executed in memory, not written back


def test_choose_better_picks_best_validation_within_budget():
    def row(point, val, fit_s):
        return {
            "point": point,
            "fit_s": fit_s,
            "history": {f"val_{bench.METRIC}": [0.5, val, 0.6]},
        }

    rows = [
        row("a", 0.85, 30),
        row("b", 0.95, 90),
        row("c", 0.88, 59),
        {"point": "d", "error": "exit 1"},
    ]
    assert bench.choose_better(rows, budget_s=60) == "c"
    assert bench.choose_better(rows, budget_s=100) == "b"
    assert bench.choose_better(rows, budget_s=10) is None


def test_parse_parts():
    assert bench.parse_parts(None, quick=False) == list(bench.DEFAULT_PARTS)
    assert "notebooks" not in bench.parse_parts(None, quick=True)
    assert bench.parse_parts("levers, floor", quick=False) == ["floor", "levers"]
    with pytest.raises(ValueError, match="unknown parts"):
        bench.parse_parts("floor,gpu", quick=False)
    with pytest.raises(SystemExit):
        bench.main(["--parts", "nonsense"])


def _fake_run(name, backend, epoch_s, acc, history=None, units=128):
    return {
        "name": name,
        "lever": name,
        "backend": backend,
        "epoch_s": epoch_s,
        "fit_s": sum(epoch_s),
        "epochs_run": len(epoch_s),
        "n_train": 48000,
        "n_val": 12000,
        "test_acc": acc,
        "peak_rss_mb": 500.0,
        "spec": {"units": units, "batch_size": 32},
        "history": history or {"loss": [1.0, 0.5]},
    }


def test_summary_ratios_and_report_from_given_timings():
    results = {
        "machine": bench.machine_info(),
        "quick": True,
        "bench_s": 1.0,
        "floor": {"n": 64, "gflops": 100.0, "step32_s": 1e-4, "step32_gflops": 50.0},
        "configs": {
            "rows": [
                _fake_run("lecture (plain fit)", "tensorflow", [9.0, 4.0, 4.0], 0.88),
                _fake_run(
                    "lecture + steps_per_execution=32",
                    "tensorflow",
                    [3.0, 1.0, 1.0],
                    0.885,
                ),
                _fake_run("lecture (plain fit)", "jax", [3.0, 2.0, 2.0], 0.87),
                {"name": "broken", "error": "exit 1: boom"},
            ]
        },
        "levers": {
            "epochs": 2,
            "rows": [
                _fake_run("plain fit (default)", "tensorflow", [5.0, 3.0], 0.8),
                _fake_run(
                    "steps_per_execution=32",
                    "tensorflow",
                    [2.0, 1.5],
                    0.8,
                    {"loss": [1.0, 0.75]},
                ),
            ],
        },
    }
    bench.summarise(results)
    tf_plain, tf_fast, jax_plain, _ = results["configs"]["rows"]
    assert tf_fast["speedup"] == pytest.approx(4.0)
    assert jax_plain["speedup"] == pytest.approx(2.0)
    assert tf_fast["test_acc_diff"] == pytest.approx(0.005)
    flops = bench.epoch_flops((784, 128, 10), 48000, 12000)
    assert tf_plain["floor_s"] == pytest.approx(flops / 100e9)
    assert tf_plain["samples_per_s"] == pytest.approx(48000 / 4.0)
    lever = results["levers"]["rows"][1]
    assert lever["speedup"] == pytest.approx(2.0)
    assert lever["curve_diff"] == pytest.approx(0.25)
    report = bench.markdown_report(results)
    assert "## Training configurations" in report
    assert "4.00×" in report
    assert "**no, results change**" in report
    assert "broken: **failed** (exit 1: boom)" in report


def test_quick_cli_writes_json_and_markdown(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench",
            "--quick",
            "--parts",
            "floor",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["parts"] == ["floor"]
    assert results["floor"]["gflops"] > 0
    assert results["machine"]["cores"] >= 1
    report = (tmp_path / "results.md").read_text()
    assert "## Arithmetic floor" in report
    assert "Quick mode" in report


def test_a_failing_part_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    def broken(cfg):
        raise RuntimeError("no such hardware")

    monkeypatch.setitem(bench.PARTS, "loader", broken)
    monkeypatch.setitem(
        bench.PARTS,
        "floor",
        lambda cfg: {"gflops": 1.0, "n": 2, "step32_s": 1.0, "step32_gflops": 1.0},
    )
    results = bench.run_bench(["loader", "floor"], quick=True, out=tmp_path)
    assert results["loader"]["error"] == "RuntimeError: no such hardware"
    report = (tmp_path / "results.md").read_text()
    assert "## loader: **failed** (RuntimeError: no such hardware)" in report
    assert "## Arithmetic floor" in report
