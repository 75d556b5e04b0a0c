"""Every module in this package registers its steps on import (see bench.registry.step).

Add a module here (e.g. ``filings.py``, ``exports.py``); :func:`load_all` imports it, no list to edit.
"""

import importlib
import pkgutil


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
