"""Compatibility: ``search.matching`` is now ``search.engine.matching``. This name is the same module
object, so imports and attribute patches keep working; new code imports the new name."""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("search.engine.matching")
