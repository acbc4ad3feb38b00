"""numpydoc validation of every public name, with scikit-learn's own rules.

Public names are those of ``skreg.__all__`` and ``skreg.theory.__all__``; for
a class, its docstring and those of its public methods and properties
(inherited ones too).  The checks and the exceptions are those of
scikit-learn's ``sklearn/tests/test_docstrings.py``: all of numpydoc's checks
but RT02, GL01 and GL02; PR02 and GL08 are skipped for properties, and ES01,
SA01 and EX01 apply to class docstrings only (not to functions or methods).
"""

import doctest
import inspect

import pytest

import skreg
from skreg import theory

numpydoc_validation = pytest.importorskip("numpydoc.validate")

IGNORED_EVERYWHERE = {"RT02", "GL01", "GL02"}
CLASS_LEVEL_ONLY = {"ES01", "SA01", "EX01"}
IGNORED_FOR_PROPERTIES = {"PR02", "GL08"}


def _public_objects():
    for module in (skreg, theory):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield obj


def _targets():
    """(import path, kind) for every public function, class and method."""
    for obj in _public_objects():
        path = f"{obj.__module__}.{obj.__qualname__}"
        if inspect.isfunction(obj):
            yield path, "function"
            continue
        yield path, "class"
        for name in sorted(dir(obj)):
            if name.startswith("_"):
                continue
            attribute = inspect.getattr_static(obj, name, None)
            if isinstance(attribute, property):
                yield f"{path}.{name}", "property"
            elif callable(getattr(obj, name)):
                yield f"{path}.{name}", "method"


def _errors(result, kind):
    for code, message in result["errors"]:
        if code in IGNORED_EVERYWHERE:
            continue
        if kind != "class" and code in CLASS_LEVEL_ONLY:
            continue
        if kind == "property" and code in IGNORED_FOR_PROPERTIES:
            continue
        yield code, message


@pytest.mark.parametrize("path, kind", sorted(set(_targets())))
def test_docstring_is_valid_numpydoc(path, kind):
    result = numpydoc_validation.validate(path)
    errors = list(_errors(result, kind))
    assert not errors, f"{path}:\n" + "\n".join(f"  {c}: {m}" for c, m in errors)


@pytest.mark.parametrize(
    "obj", list(_public_objects()), ids=lambda obj: obj.__qualname__
)
def test_docstring_examples_run(obj):
    """The Examples sections print what they say they print."""
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(obj, globs={}):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} failing example(s), see above"
