"""``python -m tools.lab_check [NOTEBOOK ...]``: the real-browser check."""

import sys

from tools.lab_check import main

sys.exit(main(sys.argv[1:]))
