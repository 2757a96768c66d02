"""The one kernel environment: the Makefile exports exactly tools.kernel_env's."""

import re
from pathlib import Path

from tools.kernel_env import KERNEL_ENV, kernel_env

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def _makefile_exports() -> dict[str, str]:
    text = MAKEFILE.read_text()
    exported = set(re.findall(r"^export (\w+)", text, re.M))
    values = dict(re.findall(r"^(?:export )?(\w+) *[:?]?= *(\S+)", text, re.M))
    return {name: values[name] for name in exported}


def test_the_makefile_exports_the_kernel_environment():
    assert _makefile_exports() == dict(KERNEL_ENV)


def test_a_variable_already_set_wins():
    env = kernel_env({"KERAS_BACKEND": "jax", "HOME": "/x"})
    assert env["KERAS_BACKEND"] == "jax" and env["HOME"] == "/x"
    assert env["TF_DETERMINISTIC_OPS"] == KERNEL_ENV["TF_DETERMINISTIC_OPS"]
