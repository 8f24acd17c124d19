"""The project's source tree, named once for the tests that read the code itself."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The packages, bottom layer first (docs/architecture.md; the contract is .importlinter).
PACKAGES = ("analysis", "workshop", "report", "exports", "cli", "dashboard")


def source_files() -> list[Path]:
    """Every Python file of the app: the packages, the page scripts and the entry point."""
    files = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return files + sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
