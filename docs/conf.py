"""Sphinx configuration of the skreg documentation.

Build it, offline, with the ``docs`` extra installed::

    python -m pip install -e ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html

The user guide, the API reference (numpydoc renders the docstrings) and the
example gallery (sphinx-gallery runs every ``examples/plot_*.py`` and collects
its figures) use the pydata-sphinx-theme.  Nothing is fetched at build time:
there is no intersphinx, so references to scikit-learn, numpy or Python
objects render as plain code.  Nor is anything fetched when a page is viewed:
MathJax, which typesets the formulas, is copied into the build from the
sphinx-mathjax-offline package (in the ``docs`` extra), not loaded from a CDN.
"""

import importlib.util
import os
import sys

# Headless figures for the gallery.
os.environ.setdefault("MPLBACKEND", "Agg")
# The gallery multiplies small matrices, where a second BLAS thread only adds
# contention (plot_penalties.py takes 11 s with one thread and up to 100 s with
# two on a busy 2-core machine).  Set before numpy is first imported, below.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

_DOCS = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_DOCS)
sys.path.insert(0, _ROOT)  # the sources, even when skreg is not installed
sys.path.insert(0, os.path.join(_DOCS, "sphinxext"))

from skreg import __version__  # noqa: E402

project = "skreg"
author = "skreg developers"
copyright = "skreg developers"
release = __version__
version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "sphinxext", "**.ipynb_checkpoints"]
templates_path = []
default_role = "literal"  # `x` in a docstring is code, as numpydoc writes it

# -- API reference ----------------------------------------------------------
autodoc_typehints = "none"  # numpydoc's Parameters sections give the types
autosummary_generate = False  # the API page is written by hand
numpydoc_show_class_members = False  # members are listed explicitly
numpydoc_class_members_toctree = False
# The docstrings rendered here are validated at build time with numpydoc's
# checks, as scikit-learn's rules have them (tests/test_docstrings.py applies
# the same rules, with the class-level checks ES01, SA01 and EX01 on classes).
numpydoc_validation_checks = {"all", "GL01", "GL02", "RT02", "ES01", "SA01", "EX01"}

# -- Example gallery ----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.TopicOrder",
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 1,
    # The times are printed at the end of the build; no sg_execution_times.rst.
    "write_computation_times": False,
}

# -- Math -----------------------------------------------------------------------
# MathJax 3.2.2 (CommonHTML output, web fonts included) from the files that the
# sphinx-mathjax-offline package ships: html_static_path below copies its
# static/ folder, so they land in _static/mathjax/, and sphinx.ext.mathjax puts
# this relative path in the pages that have math, instead of its CDN address.
# (That package's own Sphinx extension would do the same copy, after each
# build, but it declares no parallel safety, so `sphinx -W -j N` would fail.)
_mathjax_offline = importlib.util.find_spec("sphinx-mathjax-offline")
if _mathjax_offline is None:
    raise RuntimeError(
        "the docs serve MathJax from the sphinx-mathjax-offline package: "
        'install the docs extra, python -m pip install -e ".[docs]"'
    )
_MATHJAX_STATIC = os.path.join(_mathjax_offline.submodule_search_locations[0], "static")
mathjax_path = "mathjax/tex-chtml.js"  # relative: under _static/

# -- HTML -----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skreg {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "getting_started": [], "api": []}  # no sub-pages
html_show_sourcelink = False
html_static_path = [_MATHJAX_STATIC]  # _static/mathjax/ (see Math, above)
