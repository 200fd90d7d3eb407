"""Named registries of factories, so components are chosen by name from config.

Every kind of component (aligner, translator, scorer, solver, labeller, trainer, projector,
marker projector, refiner) has one `Registry`, used one way:

- a component module registers its factories with ``@registry.register("name")``;
- the registry names the modules that register into it (`providers`) and imports them on
  the first lookup, so ``registry.names()`` and ``registry.create(name)`` always see every
  built-in component without a caller importing anything first;
- ``registry.create(name, **options)`` builds one. An option the factory does not take is
  an `OptionError` (a TypeError) naming the component and the options it takes, except the
  registry's `shared_options`: run-time settings every caller may pass to any component of
  the kind (e.g. ``device`` for labellers), dropped where a component does not take them.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from annoproj.errors import OptionError, RegistryError

__all__ = ["OptionError", "Registry", "RegistryError", "options_of"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def options_of(factory: Callable[..., Any]) -> tuple[list[str], bool]:
    """(names of the keyword options `factory` takes, whether it also takes ``**options``)."""
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: take anything
        return [], True
    names = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return names, any(p.kind is p.VAR_KEYWORD for p in params)


class Registry(Generic[T]):
    """A mapping from names to factories that build one kind of component."""

    def __init__(self, kind: str, *, providers: Iterable[str] = (),
                 shared_options: Iterable[str] = ()) -> None:
        self.kind = kind
        #: Modules whose import registers this kind's built-in components.
        self.providers = tuple(providers)
        #: Options any component of this kind may be given, dropped where not taken.
        self.shared_options = frozenset(shared_options)
        self._factories: dict[str, Callable[..., T]] = {}
        self._loaded = not self.providers

    def _load(self) -> None:
        """Import the provider modules once (each registers its components)."""
        if self._loaded:
            return
        self._loaded = True  # before importing: a provider may look names up
        for module in self.providers:
            importlib.import_module(module)

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator: register `factory` under `name`."""

        def decorate(factory: F) -> F:
            if name in self._factories and self._factories[name] is not factory:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._factories[name] = factory
            return factory

        return decorate

    def get(self, name: str) -> Callable[..., T]:
        """The factory registered as `name`; a `RegistryError` naming the known ones."""
        self._load()
        try:
            return self._factories[name]
        except (KeyError, TypeError):
            known = ", ".join(sorted(self._factories)) or "none"
            raise RegistryError(f"unknown {self.kind} {name!r}; known: {known}") from None

    def check_options(self, name: str, options: dict[str, Any]) -> dict[str, Any]:
        """`options` without the shared ones `name` does not take; an `OptionError` for
        any other option it does not take."""
        taken, anything = options_of(self.get(name))
        if anything:
            return dict(options)
        unknown = sorted(k for k in options if k not in taken and k not in self.shared_options)
        if unknown:
            shown = ", ".join(taken) or "none"
            raise OptionError(f"{self.kind} {name!r} takes no option "
                              f"{', '.join(map(repr, unknown))}; its options: {shown}")
        return {k: v for k, v in options.items() if k in taken}

    def create(self, name: str, **options: Any) -> T:
        """Build the component `name` with keyword `options` (see `check_options`)."""
        factory = self.get(name)
        options = self.check_options(name, options)
        try:
            return factory(**options)
        except TypeError as exc:  # **options passed on to a base that does not take one
            if "unexpected keyword argument" not in str(exc):
                raise
            raise OptionError(f"{self.kind} {name!r}: {exc}") from None

    def names(self) -> list[str]:
        """All registered names, sorted."""
        self._load()
        return sorted(self._factories)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._factories

    def __iter__(self):
        return iter(self.names())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()})"
