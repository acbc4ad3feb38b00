"""The documentation serves MathJax itself: no formula needs a CDN to render.

``docs/conf.py`` points ``mathjax_path`` at a copy of MathJax that the
sphinx-mathjax-offline package ships (the ``docs`` extra) and that
``html_static_path`` copies into ``_static/``.  These tests read that
configuration and build a one-page project with it (about a second, no
browser): the page's MathJax script must be a relative path to a file of the
build.  Skipped where Sphinx or that package is not installed (the ``test``
extra alone); the docs build of ``.ci/run`` fails then anyway.
"""

import importlib.util
import os
import re
import runpy
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

pytest.importorskip("sphinx")
if importlib.util.find_spec("sphinx-mathjax-offline") is None:
    pytest.skip(
        "sphinx-mathjax-offline (the docs extra) is not installed",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def conf():
    """The namespace of docs/conf.py, leaving os.environ and sys.path as found."""
    environ, path = dict(os.environ), list(sys.path)
    try:
        return runpy.run_path(str(DOCS / "conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path


def test_mathjax_path_is_a_file_of_the_static_files(conf):
    assert "sphinx.ext.mathjax" in conf["extensions"]
    mathjax_path = conf["mathjax_path"]
    assert not re.match(r"^([a-z]+:)?//", mathjax_path), mathjax_path
    assert not os.path.isabs(mathjax_path)
    # sphinx.ext.mathjax takes a relative mathjax_path as one under _static/,
    # whose files are those of the html_static_path folders
    sources = [DOCS / entry / mathjax_path for entry in conf["html_static_path"]]
    scripts = [source for source in sources if source.is_file()]
    assert scripts, sources
    # the CommonHTML output loads its web fonts from beside the script
    fonts = Path("output", "chtml", "fonts", "woff-v2", "MathJax_Main-Regular.woff")
    assert any((script.parent / fonts).is_file() for script in scripts)


def test_a_page_with_math_loads_mathjax_from_the_build(conf, tmp_path):
    from sphinx.application import Sphinx

    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text("")
    (source / "index.rst").write_text(
        "Math\n====\n\n:math:`\\alpha` and\n\n"
        ".. math:: \\frac{1}{2}\\lVert W\\rVert^2\n"
    )
    outdir = tmp_path / "html"
    app = Sphinx(
        source,
        source,
        outdir,
        tmp_path / "doctrees",
        "html",
        confoverrides={
            "extensions": ["sphinx.ext.mathjax"],
            "mathjax_path": conf["mathjax_path"],
            "html_static_path": [
                str(DOCS / entry) for entry in conf["html_static_path"]
            ],
        },
        status=None,
        warning=None,
        freshenv=True,
        warningiserror=True,
    )
    app.build()
    page = (outdir / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]*)"', page)
    remote = [src for src in scripts if re.match(r"^([a-z]+:)?//", src)]
    assert remote == []
    mathjax = [src for src in scripts if "mathjax" in src.lower()]
    assert mathjax, scripts
    for src in mathjax:
        assert (outdir / src.split("?")[0]).is_file(), src
