"""Lazy attributes of a package's front door: names load their module on first use."""

from __future__ import annotations

import importlib
import sys
import types


def install(module_name: str, names: dict[str, str], *, call: str | None = None) -> None:
    """Give module `module_name` the attributes `names` (name -> module that defines it),
    imported on first use; with `call`, calling the module calls `annoproj.api.<call>`."""
    module = sys.modules[module_name]

    def __getattr__(name: str):
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*vars(module), *names])

    module.__getattr__ = __getattr__
    module.__dir__ = __dir__
    if call is not None:

        class _CallableModule(types.ModuleType):
            __doc__ = f"This package called as a function is `annoproj.api.{call}`."

            def __call__(self, *args, **kwargs):
                return getattr(importlib.import_module("annoproj.api"), call)(*args, **kwargs)

        module.__class__ = _CallableModule
