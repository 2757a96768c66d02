"""Shared helpers for the course notebooks: ``import utils``, then ``utils.name``.

Only what two or more notebooks use, or what is too long to inline, lives here;
code that teaches a concept stays in the notebook. Nothing runs at import time.
One module per topic, in lecture order, so each stays one read long:

- ``common``: plot style, the offline Fashion-MNIST loader, plotting helpers,
  the exercise-check machinery and the hands-on notebook's checks.
- ``regression`` (notebooks 01-02): the house-price loader and exercise checks.
"""

from .common import *  # noqa: F403
from .common import __all__ as _common_all
from .regression import *  # noqa: F403
from .regression import __all__ as _regression_all

__all__ = [*_common_all, *_regression_all]
