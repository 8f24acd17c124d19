"""The layer contract and the shape of the tree (docs/architecture.md).

- `lint-imports` (import-linter, contract in .importlinter) passes: core < workshop <
  presentation < exports < {cli, dashboard}, no cycles inside a package, Streamlit only in
  dashboard/, no Plotly or SQLAlchemy in the core.
- No project module is imported inside a function (such an import hides a cycle from a reader,
  though not from import-linter), except the few listed in `FUNCTION_IMPORTS` with their reason.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from tree import PACKAGES, ROOT, source_files


#: (file, imported module) → why that import sits inside a function. Nothing else may.
FUNCTION_IMPORTS = {
    **{("cli/deck.py", module): "every command's process imports every command module: `summary` and "
       "`compare` do not pay for pptx and Plotly (≈0.3 s each run, benchmark 8)"
       for module in ("exports.deck", "report", "report.numbers")},
    ("cli/workshop.py", "workshop.store"):
        "SQLAlchemy (≈0.2 s) only for `workshop --session`, not for every other command (benchmark 8)",
}


def lint_imports() -> list[str]:
    found = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return [found]


def test_layer_contract_holds():
    result = subprocess.run([*lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "Contracts: 4 kept" in result.stdout, result.stdout


def function_imports(path: Path) -> set[str]:
    """The project modules `path` imports inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                modules = [inner.module]
            elif isinstance(inner, ast.Import):
                modules = [alias.name for alias in inner.names]
            else:
                continue
            for module in modules:
                if module.split(".")[0] in PACKAGES:
                    found.add(module if module != "analysis" else f"analysis.{inner.names[0].name}")
    return found


def test_no_project_module_is_imported_inside_a_function():
    seen = {(str(path.relative_to(ROOT)), module) for path in source_files() for module in function_imports(path)}
    assert seen - set(FUNCTION_IMPORTS) == set(), "import these at the top (or move the code so no cycle needs it)"
    assert set(FUNCTION_IMPORTS) - seen == set(), "stale entries in FUNCTION_IMPORTS"


def test_the_function_import_check_sees_a_nested_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    from report import charts\n    import exports.deck\n    import json\n")
    assert function_imports(sample) == {"report", "exports.deck"}


def test_every_url_and_session_key_is_named_once():
    """A URL parameter or session-state key is spelt in `report.keys` and nowhere else in the
    app: pages and dashboard modules use its name (issue 13, "one place for URL keys")."""
    from report import keys

    spelt = {value for name, value in vars(keys).items() if name.isupper() and isinstance(value, str)}
    sources = [path for folder in ("dashboard", "pages", "report", "cli", "exports") for path in (ROOT / folder).glob("*.py")]
    sources.append(ROOT / "app.py")
    found = []
    for path in sources:
        if path.name == "keys.py" and path.parent.name == "report":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {value!r}" for value in spelt if f'"{value}"' in text or f"'{value}'" in text]
    assert not found, found
