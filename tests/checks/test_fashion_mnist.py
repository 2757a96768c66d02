"""Checks of notebook 07 (course.checks.fashion_mnist): right passes, wrong helps.

Garbage, None, exceptions and overflow are tested once, in test_core.py.
"""

import keras
import numpy as np
import pytest

from course.checks import fashion_mnist


def verdict(capsys, ok: bool, *phrases: str) -> None:
    out = capsys.readouterr().out
    assert out.startswith("✅" if ok else "❌"), out
    for phrase in phrases:
        assert phrase in out, out


def test_check_scaled_images(capsys):
    assert fashion_mnist.check_scaled_images(lambda x: x.astype("float32") / 255)
    verdict(capsys, True, "float32 in [0, 1]")
    assert not fashion_mnist.check_scaled_images(lambda x: x / 255)  # float64
    verdict(capsys, False, "float32")
    assert not fashion_mnist.check_scaled_images(lambda x: x.astype("float32") / 256)
    verdict(capsys, False, "divide by", "255")
    assert not fashion_mnist.check_scaled_images(
        lambda x: x.reshape(-1).astype("float32") / 255
    )
    verdict(capsys, False, "got (6,)", "don't reshape")


def test_check_dense_param_count(capsys):
    sizes = (784, 256, 10)
    right = 784 * 256 + 256 + 256 * 10 + 10
    assert fashion_mnist.check_dense_param_count(right, sizes)
    verdict(capsys, True, f"{right:,}")
    assert not fashion_mnist.check_dense_param_count(784 * 256 + 256 * 10, sizes)
    verdict(capsys, False, "forgot one bias per unit")
    assert not fashion_mnist.check_dense_param_count(right + 1, sizes)
    verdict(capsys, False, "off by +1")


@pytest.fixture
def softmax_outputs():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(8, 4)).astype("float32")
    probs = np.asarray(keras.activations.softmax(scores))
    labels = rng.integers(0, 4, 8)
    return labels, keras.utils.to_categorical(labels, 4), probs


def test_check_loss_for_labels(capsys, softmax_outputs):
    labels, one_hot, probs = softmax_outputs
    assert fashion_mnist.check_loss_for_labels(
        "categorical_crossentropy", one_hot, probs
    )
    verdict(capsys, True)
    assert fashion_mnist.check_loss_for_labels(
        "sparse_categorical_crossentropy", labels, probs
    )
    verdict(capsys, True)
    assert not fashion_mnist.check_loss_for_labels(
        "sparse_categorical_crossentropy", one_hot, probs
    )
    verdict(capsys, False, "does not accept these labels (one-hot vectors)")
    assert not fashion_mnist.check_loss_for_labels(
        "binary_crossentropy", one_hot, probs
    )
    verdict(capsys, False, "wrong loss for a softmax output")
    assert not fashion_mnist.check_loss_for_labels(None, one_hot, probs)
    verdict(capsys, False, "expected a loss name")
    assert not fashion_mnist.check_loss_for_labels("no_such_loss", one_hot, probs)
    verdict(capsys, False, "does not accept")


def test_check_validation_accuracy(capsys):
    good = {"loss": [1, 0.5], "val_accuracy": [0.80, 0.86]}
    assert fashion_mnist.check_validation_accuracy(good, target=0.85, max_epochs=3)
    verdict(capsys, True, "0.860")
    assert not fashion_mnist.check_validation_accuracy(good, target=0.9, max_epochs=3)
    verdict(capsys, False, "0.860 < 0.9")
    assert not fashion_mnist.check_validation_accuracy(good, target=0.85, max_epochs=1)
    verdict(capsys, False, "trained 2 epochs")
    assert not fashion_mnist.check_validation_accuracy({"loss": [1.0]}, 0.85, 3)
    verdict(capsys, False, "no validation accuracy")
    assert not fashion_mnist.check_validation_accuracy(None, 0.85, 3)
    verdict(capsys, False, "History")
