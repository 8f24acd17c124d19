"""The tree agrees with its descriptions: every package's docstring and the README's "Layout"
table name exactly the modules the package holds (docs/architecture.md says why each is there)."""

from __future__ import annotations

import ast
import re

import pytest

from tree import PACKAGES, ROOT

LISTED = re.compile(r"^\s*- `(\w+)`", re.M)  # "- `module` — its job" in a package's docstring
NAMED = re.compile(r"`(\w+)`")  # a bare name in backticks in the README's table


def modules(package: str) -> set[str]:
    return {path.stem for path in (ROOT / package).glob("*.py")} - {"__init__", "__main__"}


def readme_row(package: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    (row,) = [line for line in layout.splitlines() if line.startswith(f"| `{package}/` |")]
    return row


@pytest.mark.parametrize("package", PACKAGES)
def test_package_docstring_lists_its_modules(package):
    docstring = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8")))
    assert docstring, f"{package}/__init__.py has no docstring"
    assert set(LISTED.findall(docstring)) == modules(package)


@pytest.mark.parametrize("package", PACKAGES)
def test_readme_layout_table_names_the_modules(package):
    named = set(NAMED.findall(readme_row(package))) - {"__main__"}
    assert named == modules(package)


def test_the_packages_are_the_tree():
    """A new package gets a place in the layers (tree.PACKAGES, .importlinter) and the README."""
    found = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"deploy"}
    assert found == set(PACKAGES)
