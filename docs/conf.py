"""Sphinx configuration of the skreg documentation.

Only Sphinx itself is required: numpydoc (else Sphinx's own napoleon) renders
the docstrings, and the example gallery is built when sphinx-gallery is
installed and ``examples/`` has the ``README.txt`` it needs.
"""

import importlib.util
import os
import sys

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, _ROOT)

project = "skreg"
author = "skreg developers"
copyright = "skreg developers"

try:
    from skreg import __version__ as release
except ImportError:  # the docs can still be built from the sources alone
    release = "unknown"
version = release


def _installed(module):
    return importlib.util.find_spec(module) is not None


extensions = ["sphinx.ext.autodoc", "sphinx.ext.mathjax", "sphinx.ext.intersphinx"]
if _installed("numpydoc"):
    extensions.append("numpydoc")
    numpydoc_show_class_members = False
else:
    extensions.append("sphinx.ext.napoleon")
    napoleon_google_docstring = False

_GALLERY_README = os.path.join(_ROOT, "examples", "README.txt")
if _installed("sphinx_gallery") and os.path.exists(_GALLERY_README):
    extensions.append("sphinx_gallery.gen_gallery")
    sphinx_gallery_conf = {
        "examples_dirs": "../examples",
        "gallery_dirs": "auto_examples",
        "filename_pattern": "/plot_",
    }

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
}

templates_path = []
exclude_patterns = ["_build"]
html_theme = "alabaster"
