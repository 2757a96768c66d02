"""The offline Fashion-MNIST loader: happy path, every error, atomic download."""

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import utils

FILES = list(utils.FASHION_MNIST_SHA256)
FULL_DATA = next(
    (d for d in utils.fashion_mnist_sources() if utils._has_all_files(d)), None
)
needs_full_data = pytest.mark.skipif(
    FULL_DATA is None, reason="the full Fashion-MNIST data set is not installed"
)


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write ``array`` (uint8) as a gzip-compressed IDX file, as the data set ships."""
    header = bytes([0, 0, 0x08, array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())
    return path


@pytest.fixture
def tiny_dir(tmp_path):
    """A directory with a valid, tiny Fashion-MNIST look-alike (5 train, 3 test)."""
    rng = np.random.default_rng(0)
    for split, n in (("train", 5), ("t10k", 3)):
        write_idx(
            tmp_path / f"{split}-images-idx3-ubyte.gz",
            rng.integers(0, 256, (n, 28, 28)),
        )
        write_idx(tmp_path / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n))
    return tmp_path


def test_tiny_files_load_with_the_right_shapes_and_values(tiny_dir):
    (x_train, y_train), (x_test, y_test) = utils.load_fashion_mnist(
        tiny_dir, verify=False
    )
    assert x_train.shape == (5, 28, 28) and y_train.shape == (5,)
    assert x_test.shape == (3, 28, 28) and y_test.shape == (3,)
    assert x_train.dtype == y_train.dtype == np.uint8
    with gzip.open(tiny_dir / "t10k-labels-idx1-ubyte.gz") as f:
        assert y_test.tolist() == list(f.read()[8:])


def test_checksum_mismatch_names_the_file_and_the_fix(tiny_dir):
    with pytest.raises(
        utils.DataError, match=r"train-images-idx3-ubyte\.gz: checksum"
    ) as e:
        utils.load_fashion_mnist(tiny_dir)
    assert "apt-get install dataset-fashion-mnist" in str(e.value)


def test_truncated_gzip_is_reported(tiny_dir):
    path = tiny_dir / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(utils.DataError, match=r"t10k-images.*not a complete gzip"):
        utils.load_fashion_mnist(tiny_dir, verify=False)


def test_garbage_instead_of_gzip_is_reported(tiny_dir):
    (tiny_dir / "train-labels-idx1-ubyte.gz").write_bytes(b"<html>not found</html>")
    with pytest.raises(utils.DataError, match=r"train-labels.*not a complete gzip"):
        utils.load_fashion_mnist(tiny_dir, verify=False)


def test_wrong_magic_number_is_reported(tiny_dir):
    with gzip.open(tiny_dir / "train-labels-idx1-ubyte.gz", "wb") as f:
        f.write(b"\x00\x00\x0d\x01" + (5).to_bytes(4, "big") + bytes(5))
    with pytest.raises(utils.DataError, match=r"train-labels.*magic number 00000d01"):
        utils.load_fashion_mnist(tiny_dir, verify=False)


def test_header_disagreeing_with_payload_is_reported(tiny_dir):
    with gzip.open(tiny_dir / "train-labels-idx1-ubyte.gz", "wb") as f:
        f.write(b"\x00\x00\x08\x01" + (7).to_bytes(4, "big") + bytes(5))
    with pytest.raises(utils.DataError, match=r"shape \(7,\) but the file holds 5"):
        utils.load_fashion_mnist(tiny_dir, verify=False)


def test_image_and_label_counts_must_agree(tiny_dir):
    write_idx(tiny_dir / "train-labels-idx1-ubyte.gz", np.zeros(4))
    with pytest.raises(
        utils.DataError, match=r"\(5, 28, 28\) images do not match \(4,\)"
    ):
        utils.load_fashion_mnist(tiny_dir, verify=False)


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """Point every offline source at empty directories."""
    places = [
        tmp_path / "env",
        tmp_path / "repo",
        tmp_path / "debian",
        tmp_path / "keras",
    ]
    monkeypatch.setattr(utils, "fashion_mnist_sources", lambda: places)
    return places


def test_no_source_lists_every_place_and_both_fixes(nowhere):
    with pytest.raises(utils.DataNotFoundError) as e:
        utils.load_fashion_mnist(download=False)
    message = str(e.value)
    assert all(str(p) in message for p in nowhere)
    assert "apt-get install dataset-fashion-mnist" in message and "make data" in message


def test_sources_follow_the_documented_order(monkeypatch, tmp_path):
    monkeypatch.setenv(utils.FASHION_MNIST_ENV_VAR, str(tmp_path / "mine"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert utils.fashion_mnist_sources() == [
        tmp_path / "mine",
        utils.DATA_DIR / "fashion-mnist",
        Path("/usr/share/datasets/fashion-mnist"),
        tmp_path / "kh" / "datasets" / "fashion-mnist",
    ]


def test_environment_variable_directory_is_used_first(tiny_dir, monkeypatch):
    monkeypatch.setenv(utils.FASHION_MNIST_ENV_VAR, str(tiny_dir))
    (x_train, _), _ = utils.load_fashion_mnist(download=False, verify=False)
    assert x_train.shape == (5, 28, 28)


def test_offline_download_failure_gives_the_not_found_message(nowhere, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("URL fetch failure: network unreachable")

    monkeypatch.setattr("keras.utils.get_file", offline)
    with pytest.raises(utils.DataNotFoundError, match="network unreachable") as e:
        utils.load_fashion_mnist()
    assert "apt-get install" in str(e.value)


def test_corrupt_download_leaves_nothing_behind(tmp_path, monkeypatch):
    def fake_get_file(fname, origin, cache_dir, cache_subdir):
        path = Path(cache_dir) / cache_subdir / fname
        write_idx(path, np.zeros(3))  # valid IDX, wrong checksum
        return str(path)

    monkeypatch.setattr("keras.utils.get_file", fake_get_file)
    with pytest.raises(utils.DataError, match="checksum"):
        utils.download_fashion_mnist(tmp_path / "fm")
    assert list((tmp_path / "fm").iterdir()) == []


@needs_full_data
def test_verified_download_moves_files_into_place(tmp_path, monkeypatch):
    def fake_get_file(fname, origin, cache_dir, cache_subdir):
        assert origin.endswith(fname)
        return shutil.copy(FULL_DATA / fname, Path(cache_dir) / cache_subdir / fname)

    monkeypatch.setattr("keras.utils.get_file", fake_get_file)
    target = utils.download_fashion_mnist(tmp_path / "fm")
    assert sorted(p.name for p in target.iterdir()) == sorted(FILES)


_KERAS_LOADER = """
import sys, numpy as np, keras
(a, b), (c, d) = keras.datasets.fashion_mnist.load_data()
np.savez(sys.argv[1], x_train=a, y_train=b, x_test=c, y_test=d)
"""


@needs_full_data
def test_arrays_equal_keras_own_loader(tmp_path):
    # Keras reads its cache from $KERAS_HOME (public, documented): prime one
    # with the same four files and let Keras load them in a process of its own.
    cache = tmp_path / "keras_home" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in FILES:
        (cache / name).symlink_to(FULL_DATA / name)
    env = {**os.environ, "KERAS_HOME": str(tmp_path / "keras_home")}
    out = tmp_path / "keras.npz"
    subprocess.run([sys.executable, "-c", _KERAS_LOADER, str(out)], env=env, check=True)
    with np.load(out) as arrays:
        theirs = (
            (arrays["x_train"], arrays["y_train"]),
            (arrays["x_test"], arrays["y_test"]),
        )
    ours = utils.load_fashion_mnist()
    for mine, keras_array in zip(
        (a for split in ours for a in split),
        (a for split in theirs for a in split),
        strict=True,
    ):
        assert mine.dtype == keras_array.dtype and mine.shape == keras_array.shape
        np.testing.assert_array_equal(mine, keras_array)
    assert ours[0][0].shape == (60000, 28, 28) and ours[1][1].shape == (10000,)
    assert len(set(utils.FASHION_MNIST_CLASS_NAMES)) == 10 == len(np.unique(ours[0][1]))
