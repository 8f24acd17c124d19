"""The hostile corpus (tests/fixtures/bad/, built by scripts/build_bad_corpus.py) for the tests.

`EXPECTED` lists every case with its outcome, problem code and message fragments (bokmål and
English). Small cases are committed files; the large ones (`generated`) are built once per
test session into a temporary folder by the `generated_corpus` fixture (tests/conftest.py),
from the same script. `case_path` finds a case's file or folder either way.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

from analysis.i18n import t

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad"
EXPECTED = list(csv.DictReader(open(BAD / "expected.csv", encoding="utf-8")))
REFUSED = [case for case in EXPECTED if case["outcome"] == "refused"]
LOADED = [case for case in EXPECTED if case["outcome"] == "loaded"]


def builder():
    """scripts/build_bad_corpus.py as a module (it is a script, not a package)."""
    if "build_bad_corpus" in sys.modules:
        return sys.modules["build_bad_corpus"]
    spec = importlib.util.spec_from_file_location("build_bad_corpus", ROOT / "scripts" / "build_bad_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def build_generated(folder: Path) -> Path:
    """Write every generated (large) case into `folder`."""
    module = builder()
    for case in module.cases():
        if case.generated:
            module.write_case(case, folder)
    return folder


def case_path(case: dict, generated: Path | None) -> Path:
    if case["generated"] == "1":
        assert generated is not None, f"{case['case']} is built at test time: use the generated_corpus fixture"
        return generated / case["case"]
    return BAD / case["case"]


def files_of(path: Path) -> list[Path]:
    """The files of one upload: the case's file, or every file of its folder in name order."""
    return sorted(path.iterdir()) if path.is_dir() else [path]


def upload_of(case: dict, generated: Path | None = None) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in files_of(case_path(case, generated))}


def as_read(text: str) -> str:
    """Escaped Markdown (`analysis.safe_text.markdown`) as a reader sees it; numbers' no-break
    spaces as plain spaces (the fragments are written with plain ones)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("  \n", "\n").replace("\xa0", " ").replace("\u2060", "")


def english_notice(language: str) -> str:
    """The fixed words of the notice that a codebook has no English for a text (issue 15): the
    corpus's surveys are bokmål only, so a case that loads carries these notices and no other."""
    return t("problem.missing_english", language, count="\x00", value="\x00").split("\x00")[0]


def only_english_notices(lines, language: str) -> bool:
    """Whether every problem line in `lines` is a missing-English notice (headers aside)."""
    notice, header = english_notice(language), t("cli.warnings", language, count="\x00").split("\x00")[-1]
    return all(notice in line or line.strip().endswith(header) or not line.strip() for line in lines)
