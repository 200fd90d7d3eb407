"""annoproj.errors is the one catalogue: every exception class of src/annoproj is defined
there, derives from AnnoprojError (with an exit code) and from the builtin callers caught
before, and survives pickling (worker processes send errors back)."""

from __future__ import annotations

import ast
import inspect
import pickle
from pathlib import Path

import pytest

import annoproj.errors as errors

SRC = Path(__file__).resolve().parents[1] / "src" / "annoproj"
CLASSES = [c for _, c in inspect.getmembers(errors, inspect.isclass)
           if issubclass(c, BaseException) and c.__module__ == errors.__name__]


def test_every_exception_class_is_in_the_catalogue():
    elsewhere = []
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    (getattr(b, "id", None) or getattr(b, "attr", "")).endswith(("Error", "Exception"))
                    for b in node.bases):
                elsewhere.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    assert not elsewhere, elsewhere


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_one_base_an_exit_code_and_pickling(cls):
    assert issubclass(cls, errors.AnnoprojError)
    assert cls.exit_code in (1, 2, 3, 4)
    exc = cls("x.conll", 3, "bad tag") if cls is errors.FormatError else cls("what went wrong")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is cls and str(back) == str(exc)


def test_builtin_bases_kept_and_exit_codes():
    assert issubclass(errors.FormatError, ValueError) and errors.FormatError.exit_code == 3
    assert issubclass(errors.MissingDependencyError, ImportError)
    assert errors.MissingDependencyError.exit_code == errors.ModelError.exit_code == 4
    assert issubclass(errors.ModelError, ValueError) and issubclass(errors.E5FormatError,
                                                                    errors.ModelError)
    assert issubclass(errors.RegistryError, KeyError) and errors.RegistryError.exit_code == 2
    assert issubclass(errors.OptionError, TypeError) and errors.OptionError.exit_code == 2
    assert issubclass(errors.ConfigError, ValueError) and errors.ConfigError.exit_code == 2
    assert issubclass(errors.InputMismatchError, ValueError)
    assert str(errors.RegistryError("unknown scorer 'x'")) == "unknown scorer 'x'"
    assert errors.FormatError("f.conll", 7, "bad").line == 7


def test_old_import_locations_still_work():
    from annoproj.data.io import FormatError
    from annoproj.pipeline.config import ConfigError
    from annoproj.pipeline.stream import InputMismatchError
    from annoproj.registry import RegistryError
    from annoproj.train import MissingDependencyError, ModelError

    assert (FormatError, ConfigError, InputMismatchError, RegistryError, MissingDependencyError,
            ModelError) == (errors.FormatError, errors.ConfigError, errors.InputMismatchError,
                            errors.RegistryError, errors.MissingDependencyError, errors.ModelError)
