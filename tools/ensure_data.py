"""Make sure Fashion-MNIST is available offline; called by `make data`.

Order: an existing source (see utils.fashion_mnist_sources); else, on Debian or
Ubuntu as root, Debian's package `dataset-fashion-mnist`; else a verified
download from Keras' mirror into data/fashion-mnist/ (a laptop with internet).
"""

import os
import shutil
import subprocess
import sys

import utils


def _found() -> bool:
    try:
        utils.load_fashion_mnist(download=False, verify=False)
    except utils.DataNotFoundError:
        return False
    return True


def main() -> int:
    if _found():
        print("Fashion-MNIST: found offline.")
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Fashion-MNIST: installing Debian's package dataset-fashion-mnist ...")
        apt = ["apt-get", "install", "-y", "-q", "dataset-fashion-mnist"]
        if subprocess.run(apt).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=False)
            subprocess.run(apt, check=False)
        if _found():
            return 0
    print("Fashion-MNIST: downloading from Keras' mirror into data/fashion-mnist/ ...")
    try:
        utils.load_fashion_mnist()
    except (utils.DataNotFoundError, utils.DataError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
