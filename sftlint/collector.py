"""When Python's cyclic garbage collector runs during sftlint's work.

By default it collects every 700 new objects, each time walking what earlier work left
alive. sftlint makes many objects that live long and hold no garbage (the modules and
compiled patterns its imports make, a batch's records), so it tells the collector to leave
those alone. Each setting is undone on the way out, for a caller of the Python API.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs: for imports, whose objects all live until the
    process ends (some 100,000 for the command and its rules, and a tenth of a small
    check's time spent walking them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def young_garbage_only() -> Iterator[None]:
    """During a check, the collector looks only at objects the check made, and less often:
    a batch of records is thousands of objects, and re-walking what the imports left was a
    quarter of the time of a check with few rules."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(4000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
