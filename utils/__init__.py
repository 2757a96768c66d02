"""Shared helpers for the course notebooks: ``import utils``, then ``utils.name``.

Only what two or more notebooks use, or what is too long to inline, lives here;
code that teaches a concept stays in the notebook. Nothing runs at import time.
One module per topic, in lecture order, so each stays one read long:

- ``common``: plot style, the offline Fashion-MNIST loader, plotting helpers,
  the exercise-check machinery and the hands-on notebook's checks.
- ``regression`` (notebooks 01-02): the house-price loader and exercise checks.
- ``activations`` (notebook 03): twelve activations and derivatives in NumPy,
  their gallery and checks.
- ``losses`` (notebook 05): stable softmax and sigmoid, cross-entropies in NumPy,
  the last-layer activation/loss table and checks.
- ``gradient`` (notebook 06): the Dense shape tracer, loss-surface plots, checks.
- ``common`` also holds ``dense_stack_param_count`` used by notebooks 06 and 07.
"""

from .activations import *  # noqa: F403
from .activations import __all__ as _activations_all
from .common import *  # noqa: F403
from .common import __all__ as _common_all
from .gradient import *  # noqa: F403
from .gradient import __all__ as _gradient_all
from .losses import *  # noqa: F403
from .losses import __all__ as _losses_all
from .regression import *  # noqa: F403
from .regression import __all__ as _regression_all

__all__ = [
    *_common_all,
    *_activations_all,
    *_gradient_all,
    *_losses_all,
    *_regression_all,
]
