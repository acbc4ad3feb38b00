"""The README's Layout section lists exactly the package's modules."""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _layout_paths():
    """The files under ``skreg/`` named in the README's Layout block."""
    text = (ROOT / "README.md").read_text()
    block = text.split("## Layout", 1)[1]
    paths, folders = set(), []
    for line in block.splitlines():
        match = re.match(r"^( {4,})(\S+)", line)
        if not match:
            continue
        depth = (len(match.group(1)) - 4) // 2
        name = match.group(2)
        folders = folders[:depth]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        elif name.endswith(".py") and folders and folders[0] == "skreg":
            paths.add("/".join([*folders, name]))
    return paths


def test_readme_layout_matches_the_package():
    listed = _layout_paths()
    present = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "skreg").rglob("*.py")
        if not (path.name == "__init__.py" and path.parent.name != "skreg")
        or str(path.relative_to(ROOT)) in listed
    }
    assert listed == present
