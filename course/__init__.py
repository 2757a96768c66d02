"""Everything a notebook imports beyond ``utils``: one job a module.

| notebook | topic helpers | exercise checks |
|---|---|---|
| 01 | (``utils``: ``load_housing``) | ``checks.neuron`` |
| 02 | (``utils``: ``load_housing``) | ``checks.logistic`` |
| 03 | ``course.activations`` | ``checks.activations`` |
| 04 | ``course.playground`` (a package) | ``checks.playground`` |
| 05 | ``course.losses`` | ``checks.losses`` |
| 06 | ``course.matrices`` | ``checks.matrices`` |
| 07 | (``utils``: loader, shared plots) | ``checks.fashion_mnist`` |

Nothing runs at import time.
"""
