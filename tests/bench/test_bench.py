"""Unit and smoke tests of bench/ on tiny settings (no full training)."""

import ast
import json
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bench  # noqa: E402
from bench import __main__ as cli  # noqa: E402
from bench import arithmetic, configs, parts, report, selection, workers  # noqa: E402

TINY = {"data": "synthetic", "n_train": 320, "n_test": 64, "epochs": 2}


# --- arithmetic ------------------------------------------------------------


def test_forward_flops_are_twice_the_kernel_weights_keras_counts():
    model = workers.build_model(configs.LECTURE)
    kernels = sum(
        int(np.prod(w.shape)) for w in model.trainable_weights if len(w.shape) == 2
    )
    assert kernels == 784 * 128 + 128 * 10
    assert arithmetic.dense_forward_flops((784, 128, 10)) == 2 * kernels


def test_forward_flops_match_a_numpy_matmul_count():
    sizes = (5, 4, 3)
    x = np.ones((1, 5))
    flops = 0
    for a, b in zip(sizes[:-1], sizes[1:], strict=False):
        w = np.ones((a, b))
        flops += 2 * x.shape[1] * w.shape[1]  # one multiply and one add per weight
        x = x @ w
    assert arithmetic.dense_forward_flops(sizes) == flops


@pytest.mark.parametrize("sizes", [(784,), (), (784, 0), (784, 12.5)])
def test_forward_flops_reject_bad_sizes(sizes):
    with pytest.raises(ValueError, match="positive layer sizes"):
        arithmetic.dense_forward_flops(sizes)


def test_epoch_flops_count_three_forwards_per_training_sample():
    forward = arithmetic.dense_forward_flops((784, 128, 10))
    assert arithmetic.epoch_flops((784, 128, 10), 48000, 12000) == forward * (
        3 * 48000 + 12000
    )
    assert arithmetic.epoch_flops((784, 128, 10), 10) == 3 * 10 * forward
    with pytest.raises(ValueError, match=">= 0"):
        arithmetic.epoch_flops((784, 10), -1)


@pytest.mark.bench
@pytest.mark.parametrize("n, split", [(1001, 0.2), (97, 0.33), (5, 0.0)])
def test_split_sizes_cut_where_keras_fit_cuts(n, split):
    """Count the samples a batch-1 fit trains and validates on (public API)."""
    import keras

    counts = {"train": 0, "test": 0}

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            counts["train"] += 1

        def on_test_batch_end(self, batch, logs=None):
            counts["test"] += 1

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.arange(n, dtype="float32").reshape(-1, 1)
    model.fit(
        x,
        x,
        batch_size=1,
        epochs=1,
        validation_split=split,
        verbose=0,
        callbacks=[Count()],
    )
    assert arithmetic.split_sizes(n, split) == (counts["train"], counts["test"])


@pytest.mark.parametrize("split", [-0.1, 1.0, 2])
def test_split_sizes_reject_bad_fractions(split):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        arithmetic.split_sizes(100, split)


def test_curve_difference():
    a = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}
    b = {"loss": [1.0, 0.25], "val_loss": [1.3, 0.7]}
    assert arithmetic.curve_difference(a, a) == 0.0
    assert arithmetic.curve_difference(a, b) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="different metrics"):
        arithmetic.curve_difference(a, {"loss": [1.0, 0.5]})
    with pytest.raises(ValueError, match="epochs"):
        arithmetic.curve_difference(a, {"loss": [1.0], "val_loss": [1.2]})


def test_steady_epoch_s_and_mean_sd():
    assert arithmetic.steady_epoch_s([9.0, 1.0, 3.0, 2.0]) == 2.0
    assert arithmetic.steady_epoch_s([4.0]) == 4.0
    with pytest.raises(ValueError, match="no epoch"):
        arithmetic.steady_epoch_s([])
    assert arithmetic.mean_sd([1.0, 3.0]) == (2.0, pytest.approx(2**0.5))
    assert arithmetic.mean_sd([5.0]) == (5.0, 0.0)


# --- the code and its results agree -------------------------------------------


RESULT_FILES = [
    bench.BENCH_DIR / "results.json",
    configs.SEARCH_RESULTS,
    configs.LADDER_RESULTS,
]


@pytest.mark.parametrize("path", RESULT_FILES, ids=lambda p: p.parent.name)
def test_results_were_written_by_the_committed_bench_sources(path):
    if not path.exists():
        pytest.skip(f"{path.name} in {path.parent.name}/ not generated yet")
    recorded = json.loads(path.read_text()).get("sources_sha256")
    assert recorded == bench.source_digest(), (
        f"{path} was written by other bench code; regenerate it (README of bench/)"
    )


def test_source_digest_changes_with_any_source(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    before = bench.source_digest(tmp_path)
    (tmp_path / "b.py").write_text("")
    assert bench.source_digest(tmp_path) != before


def test_the_search_results_hold_no_test_score_but_the_chosen_ones():
    if not configs.SEARCH_RESULTS.exists():
        pytest.skip("search not run yet")
    results = json.loads(configs.SEARCH_RESULTS.read_text())
    for row in results["search"]["rows"]:
        assert all("test_acc" not in run for run in row["runs"]), row["name"]
    for run in results.get("moonshot", {}).get("runs", []):
        spec = {k: v for k, v in run["spec"].items() if k not in _RUN_ONLY}
        assert spec == results["search"]["chosen"]


_RUN_ONLY = {"seed", "evaluate_test", "evaluate_fit", "worker"}


def test_no_bench_function_is_over_60_lines_and_no_file_over_700():
    for path in sorted(bench.BENCH_DIR.glob("*.py")):
        text = path.read_text()
        assert len(text.splitlines()) <= 700, path.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{path.name}:{node.name} has {length} lines"


# --- bench.configs pinned to notebook 07's code ---------------------------------

NOTEBOOK_07 = (
    bench.BENCH_DIR.parent / "notebooks" / "07_fashion_mnist_shallow_ann.ipynb"
)


def _notebook_tree() -> ast.Module:
    nb = nbformat.read(NOTEBOOK_07, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    lines = [
        ln for src in code for ln in src.splitlines() if not ln.startswith(("%", "!"))
    ]
    return ast.parse("\n".join(lines))


def _kwargs(call: ast.Call) -> dict:
    return {k.arg: k.value for k in call.keywords}


def _call_name(node) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id


def _callback(call: ast.Call) -> tuple[str, dict]:
    return _call_name(call), {k: ast.literal_eval(v) for k, v in _kwargs(call).items()}


def notebook_config(tree: ast.Module, name: str) -> dict:
    """The configuration notebook 07 trains as ``name``: layers from its
    ``keras.Sequential``, optimizer and extras from ``compile``, the rest from
    ``fit`` (and the callbacks list it passes)."""
    lists, spec = {}, {"dropout": 0.0, "from_logits": False, "learning_rate": 0.001}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            lists[node.targets[0].id] = node.value
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        call = node.value
        if (
            getattr(node.targets[0], "id", None) == name
            and _call_name(call) == "Sequential"
        ):
            layers = [e for e in call.args[0].elts if isinstance(e, ast.Call)]
            dense = [e for e in layers if _call_name(e) == "Dense"]
            spec["hidden"] = [ast.literal_eval(d.args[0]) for d in dense[:-1]]
            for layer in layers:
                if _call_name(layer) == "Dropout":
                    spec["dropout"] = ast.literal_eval(layer.args[0])
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if getattr(node.func.value, "id", None) != name:
            continue
        kwargs = _kwargs(node)
        if node.func.attr == "compile":
            opt = kwargs.pop("optimizer")
            if isinstance(opt, ast.Call):
                spec["optimizer"] = _call_name(opt).lower()
                spec.update({k: ast.literal_eval(v) for k, v in _kwargs(opt).items()})
            else:
                spec["optimizer"] = ast.literal_eval(opt).lower()
            spec["metric"] = ast.literal_eval(kwargs.pop("metrics"))[0]
            assert (
                ast.literal_eval(kwargs.pop("loss"))
                == "sparse_categorical_crossentropy"
            )
            if kwargs:
                spec["compile"] = {k: ast.literal_eval(v) for k, v in kwargs.items()}
        if node.func.attr == "fit":
            callbacks = kwargs.pop("callbacks", None)
            kwargs.pop("verbose", None)
            spec.update({k: ast.literal_eval(v) for k, v in kwargs.items()})
            if callbacks is not None:
                elts = (
                    lists[callbacks.id].elts
                    if isinstance(callbacks, ast.Name)
                    else callbacks.elts
                )
                found = dict(_callback(c) for c in elts)
                if "ReduceLROnPlateau" in found:
                    assert found["ReduceLROnPlateau"].pop("monitor") == "val_loss"
                    spec["reduce_lr"] = found["ReduceLROnPlateau"]
                if "EarlyStopping" in found:
                    assert found["EarlyStopping"].pop("restore_best_weights") is True
                    spec["early_stopping"] = found["EarlyStopping"]
    return spec


def test_the_lecture_configuration_is_notebook_07s():
    assert notebook_config(_notebook_tree(), "model") == dict(configs.LECTURE_FAST)
    assert {**configs.LECTURE_FAST, "compile": None} == {
        **configs.LECTURE,
        "compile": None,
    }


def test_the_chosen_configuration_is_notebook_07s_better_model():
    chosen = configs.chosen_config()
    if chosen is None:
        pytest.skip("the search has not chosen a configuration yet")
    assert notebook_config(_notebook_tree(), "better") == chosen


# --- workers, in process, on small random data ------------------------------


def _fit(**change):
    return workers.run_keras_fit({**configs.LECTURE, **TINY, **change})


@pytest.mark.bench
def test_keras_fit_worker_reports_a_complete_run_without_the_test_set():
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
    assert "test_acc" not in result and "fit_acc" not in result
    assert result["val_acc"] == pytest.approx(
        result["history"]["val_sparse_categorical_accuracy"][-1], abs=1e-6
    )
    assert result["fit_s"] >= sum(result["epoch_s"]) > 0
    assert result["peak_rss_mb"] > 10


@pytest.mark.bench
def test_steps_per_execution_gives_the_same_curves_as_plain_fit():
    plain = _fit(evaluate_test=True)
    fast = _fit(evaluate_test=True, compile={"steps_per_execution": 8})
    assert arithmetic.curve_difference(plain["history"], fast["history"]) < 1e-5
    assert fast["test_acc"] == pytest.approx(plain["test_acc"], abs=1e-6)


@pytest.mark.bench
def test_early_stopping_restores_the_best_val_loss_epoch_and_lr_has_a_floor():
    result = _fit(
        epochs=6,
        dropout=0.2,
        hidden=[16, 8],
        early_stopping={"monitor": "val_loss", "patience": 1},
        reduce_lr={"factor": 0.1, "patience": 1, "min_lr": 1e-5},
        evaluate_fit=True,
    )
    history = result["history"]
    assert result["params"] == 784 * 16 + 16 + 16 * 8 + 8 + 8 * 10 + 10
    assert min(history["learning_rate"]) >= 1e-5 * (1 - 1e-6)
    best = int(np.argmin(history["val_loss"]))
    assert result["val_loss"] == pytest.approx(history["val_loss"][best], rel=1e-4)
    assert 0.0 <= result["fit_acc"] <= 1.0


@pytest.mark.bench
def test_pydataset_input_and_tutorial_config_run():
    result = _fit(input="pydataset", epochs=1)
    assert result["n_val"] == 64
    tutorial = workers.run_keras_fit({**configs.TUTORIAL, **TINY, "epochs": 1})
    assert tutorial["n_val"] == 0
    assert set(tutorial["history"]) == {"loss", "accuracy"}


@pytest.mark.bench
def test_sklearn_and_matmul_workers():
    result = workers.run_sklearn_mlp({"hidden": [8], "max_iter": 2, **TINY})
    assert result["epochs_run"] == 2
    assert 0.0 <= result["test_acc"] <= 1.0
    rates = workers.run_matmul({"n": 64, "repeat": 2, "step_loops": 5})
    step_flops = 2 * 32 * (2 * 784 * 128 + 3 * 128 * 10)
    assert rates["step32_gflops"] == pytest.approx(step_flops / rates["step32_s"] / 1e9)


def _full_data_present() -> bool:
    import utils

    names = list(utils.FASHION_MNIST_SHA256)
    return any(
        all((s / n).is_file() for n in names) for s in utils.fashion_mnist_sources()
    )


@pytest.mark.bench
@pytest.mark.skipif(not _full_data_present(), reason="full Fashion-MNIST absent")
def test_utils_loader_worker_reads_the_primed_cache(tmp_path):
    parts.prime_keras_cache(tmp_path)
    spec = {"keras_home": str(tmp_path), "repeat": 1, "loader": "utils"}
    verified = workers.run_loader({**spec, "verify": True})
    fast = workers.run_loader({**spec, "verify": False})
    assert verified["sha256"] == fast["sha256"]
    assert verified["best_s"] > 0


# --- orchestration -----------------------------------------------------------


@pytest.mark.bench
def test_run_worker_reports_a_failure_and_gets_its_env(tmp_path):
    spec = {
        "worker": "loader",
        "loader": "keras",
        "keras_home": str(tmp_path),
        "repeat": 1,
    }
    result = workers.run_worker(spec, env={"KERAS_HOME": str(tmp_path)})
    assert "error" in result  # an empty KERAS_HOME and no internet: nothing to load
    assert (
        "KERAS_HOME" not in workers.worker_env()
        or tmp_path.name not in (workers.worker_env()["KERAS_HOME"])
    )


def test_worker_env_keeps_the_notebook_settings_and_adds_env():
    env = workers.worker_env({"KERAS_BACKEND": "jax"})
    assert env["KERAS_BACKEND"] == "jax"
    assert env["PYTHONHASHSEED"] == "0"
    assert env["TF_DETERMINISTIC_OPS"] == "1"


@pytest.mark.bench
def test_time_notebooks_runs_a_copy_and_records_errors(tmp_path):
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    for path, source in ((good, "x = 1 + 1"), (bad, "1 / 0")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nbformat.write(nb, path)
    before = good.read_text()
    rows = parts.time_notebooks([good, bad])
    assert [r["notebook"] for r in rows] == ["good.ipynb", "bad.ipynb"]
    assert rows[0]["error"] is None and rows[0]["seconds"] > 0
    assert "ZeroDivisionError" in rows[1]["error"]
    assert good.read_text() == before  # executed in memory, not written back


def test_parse_parts():
    assert cli.parse_parts(None, quick=False) == list(parts.ALL_PARTS)
    assert "notebooks" not in cli.parse_parts(None, quick=True)
    assert cli.parse_parts("levers, floor", quick=False) == ["floor", "levers"]
    with pytest.raises(ValueError, match="unknown parts"):
        cli.parse_parts("floor,gpu", quick=False)
    with pytest.raises(SystemExit):
        cli.main(["--parts", "nonsense"])


def _fake_run(name, backend, epoch_s, acc, history=None, hidden=(128,)):
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
        "spec": {"hidden": list(hidden), "batch_size": 32},
        "history": history or {"loss": [1.0, 0.5]},
    }


def _fake_results():
    return {
        "machine": parts.machine_info(),
        "sources_sha256": bench.source_digest(),
        "quick": True,
        "bench_s": 1.0,
        "floor": {"n": 64, "gflops": 100.0, "step32_s": 1e-4, "step32_gflops": 50.0},
        "configs": {
            "rows": [
                _fake_run("lecture (plain fit)", "tensorflow", [9.0, 4.0, 4.0], 0.88),
                _fake_run(
                    "lecture + steps_per_execution=128",
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
                    "steps_per_execution=128",
                    "tensorflow",
                    [2.0, 1.5],
                    0.8,
                    {"loss": [1.0, 0.75]},
                ),
            ],
        },
    }


def test_summary_is_pure_and_its_ratios_come_from_the_given_timings():
    results = _fake_results()
    before = json.dumps(results, sort_keys=True)
    summary = report.summarise(results)
    assert json.dumps(results, sort_keys=True) == before  # input untouched
    tf_plain, tf_fast, jax_plain, _ = summary["configs"]["rows"]
    assert tf_fast["speedup"] == pytest.approx(4.0)
    assert jax_plain["speedup"] == pytest.approx(2.0)
    assert tf_fast["test_acc_diff"] == pytest.approx(0.005)
    flops = arithmetic.epoch_flops((784, 128, 10), 48000, 12000)
    assert tf_plain["floor_s"] == pytest.approx(flops / 100e9)
    assert tf_plain["samples_per_s"] == pytest.approx(48000 / 4.0)
    lever = summary["levers"]["rows"][1]
    assert lever["speedup"] == pytest.approx(2.0)
    assert lever["curve_diff"] == pytest.approx(0.25)
    text = report.markdown_report(summary)
    assert "## Training configurations" in text
    assert "4.00×" in text
    assert "**no, results change**" in text
    assert "broken: **failed** (exit 1: boom)" in text
    assert bench.source_digest() in text


@pytest.mark.bench
def test_quick_cli_writes_json_and_markdown(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--parts",
            "floor",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=bench.BENCH_DIR.parent,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["parts"] == ["floor"]
    assert results["sources_sha256"] == bench.source_digest()
    assert results["floor"]["gflops"] > 0
    text = (tmp_path / "results.md").read_text()
    assert "## Arithmetic floor" in text
    assert "Quick mode" in text


def test_a_failing_part_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    def broken(run):
        raise RuntimeError("no such hardware")

    monkeypatch.setitem(parts.PARTS, "loader", broken)
    monkeypatch.setitem(
        parts.PARTS,
        "floor",
        lambda run: {"gflops": 1.0, "n": 2, "step32_s": 1.0, "step32_gflops": 1.0},
    )
    results = cli.run_bench(["loader", "floor"], quick=True, out=tmp_path)
    assert results["loader"]["error"] == "RuntimeError: no such hardware"
    text = (tmp_path / "results.md").read_text()
    assert "## loader: **failed** (RuntimeError: no such hardware)" in text
    assert "## Arithmetic floor" in text


# --- selection: the rule, the grid that reaches past its winner, the ladder ----


def _scored(val_by_point):
    def fake_score(name, spec, seeds, backend, run):
        key = (
            spec["hidden"][0],
            spec["dropout"],
            spec["batch_size"],
            spec["learning_rate"],
        )
        val = val_by_point(*key)
        runs = [{"val_acc": val, "fit_s": 10.0, "epochs_run": 5, "n_val": 12000}]
        return {"name": name, "spec": dict(spec), **selection.summarise_runs(runs)}

    return fake_score


def test_search_reaches_past_its_winner_and_never_sees_the_test_set(monkeypatch):
    # validation accuracy grows with width without end, peaks at dropout 0.4
    monkeypatch.setattr(
        selection, "score", _scored(lambda u, d, b, lr: u / 1e4 - abs(d - 0.4))
    )
    found = selection.part_search(configs.RunSettings.quick_run())
    assert found["axes"]["width"][-1] == configs.SEARCH_EXTEND["width"]["high"]
    assert found["axes"]["dropout"] == list(configs.SEARCH_AXES["dropout"])
    assert found["chosen"]["hidden"] == [configs.SEARCH_EXTEND["width"]["high"]]
    assert any(r["axis"] == "control" for r in found["rows"])


def test_choose_keeps_one_hidden_layer_within_the_budget():
    def row(hidden, val, fit_s):
        return {
            "spec": {"hidden": hidden},
            "n_ok": 3,
            "val_acc_mean": val,
            "fit_s_mean": fit_s,
        }

    rows = [row([256], 0.88, 30), row([300, 100], 0.95, 30), row([2048], 0.93, 90)]
    assert selection.choose(rows, budget_s=60) == {"hidden": [256]}
    assert selection.choose(rows, budget_s=100) == {"hidden": [2048]}
    assert selection.choose(rows, budget_s=10) == {"hidden": [2048]}  # none fits
    assert selection.choose(rows[1:2]) is None


def test_ladder_goes_from_the_lecture_to_the_chosen_one_change_at_a_time():
    chosen = {**configs.SEARCH_CENTRE, "hidden": [1024]}
    rungs = configs.ladder_rungs(chosen)
    assert rungs[0][1] == dict(configs.LECTURE_FAST)
    assert rungs[-2][1] == chosen
    assert rungs[-1][1] == {**chosen, "hidden": configs.TWO_LAYER_HIDDEN}
    for (_, a), (_, b) in zip(rungs[:-2], rungs[1:-1], strict=True):
        changed = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
        assert 1 <= len(changed - {"epochs"}) <= 2, changed


def test_describe_names_the_layers_and_the_schedule():
    text = configs.describe(configs.SEARCH_CENTRE)
    assert text.startswith("Dense(512, relu) → Dropout(0.4) → Dense(10), adam")
    assert "floor 1e-05" in text and "val_loss" in text


def test_selection_main_writes_search_moonshot_and_ladder(tmp_path, monkeypatch):
    def fake_worker(job, env=None, timeout=None):
        assert job["worker"] == "keras_fits"
        runs = []
        for seed in job["seeds"]:
            run = {
                "spec": {**job, "seed": seed},
                "val_acc": 0.85 + job["hidden"][0] / 1e5 + seed / 1e4,
                "val_loss": 0.3,
                "fit_s": 20.0,
                "epochs_run": 7,
                "n_val": 12000,
            }
            if job.get("evaluate_test"):
                run.update(test_acc=run["val_acc"] - 0.005, fit_acc=0.95)
            runs.append(run)
        return {"runs": runs}

    monkeypatch.setattr(selection, "run_worker", fake_worker)
    search, ladder = tmp_path / "search", tmp_path / "ladder"
    argv = ["--search-out", str(search), "--ladder-out", str(ladder)]
    assert selection.main(argv) == 0
    found = json.loads((search / "results.json").read_text())
    assert found["sources_sha256"] == bench.source_digest()
    chosen = found["search"]["chosen"]
    assert chosen["hidden"] == [configs.SEARCH_EXTEND["width"]["high"]]
    assert all(
        "test_acc" not in r for row in found["search"]["rows"] for r in row["runs"]
    )
    assert len(found["moonshot"]["runs"]) == len(configs.MOONSHOT_SEEDS)
    text = (search / "results.md").read_text()
    assert "## Moonshot" in text and "not reached" in text
    rungs = json.loads((ladder / "results.json").read_text())["ladder"]["rows"]
    assert rungs[0]["spec"] == dict(configs.LECTURE_FAST)
    assert rungs[-2]["spec"] == chosen and rungs[-2]["n_ok"] == 3
    assert "Noise floor" in (ladder / "results.md").read_text()
