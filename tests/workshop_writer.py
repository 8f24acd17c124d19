"""Writer processes for the workshop storage tests (concurrency and kill -9).

A writer submits a group's scores round after round and reports every *acknowledged*
submission — after `submit` has returned, i.e. after COMMIT — as one JSON line per area,
written with a single `os.write` so a line is either whole or absent even if the writer is
killed mid-way. A line is therefore a promise that the score is stored; the tests hold the
store to every promise.

`fork_writer(...)` forks the test process: a real OS process with its own database
connections, without paying the interpreter start and imports again (about 1.5 s each
here), so 9 writers start within milliseconds and really overlap. `rounds` 0 means: until
killed.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import traceback
from typing import Callable

from workshop.store import WorkshopStore


def planned(group_index: int, area_index: int, revision: int) -> tuple[int, int]:
    """The (potential, feasibility) a writer sends: changes with every round, always 1–10."""
    return 1 + (group_index + area_index + revision) % 10, 1 + (3 * group_index + area_index + 7 * revision) % 10


def write_rounds(url: str, code: str, group: str, group_index: int, rounds: int, mode: str,
                 emit: Callable[[bytes], object]) -> None:
    """Submit `rounds` rounds of scores for every area: the whole form at once (`form`, as the
    participant page does) or one area per submission (`area`, more and smaller transactions)."""
    store = WorkshopStore(url)
    areas = store.session_for_code(code).area_names
    for revision in (range(1, rounds + 1) if rounds else itertools.count(1)):
        values = {area: planned(group_index, i, revision) for i, area in enumerate(areas)}
        batches = [values] if mode == "form" else [{area: value} for area, value in values.items()]
        for batch in batches:
            receipt = store.submit(code, group, batch)
            lines = [
                json.dumps({"group": group, "area": area, "potential": p, "feasibility": f,
                            "revision": receipt.revisions[area], "round": revision}, ensure_ascii=False)
                for area, (p, f) in batch.items()
            ]
            emit(("\n".join(lines) + "\n").encode("utf-8"))
    store.dispose()


def fork_writer(url: str, code: str, group: str, group_index: int, rounds: int, mode: str = "form"):
    """Fork a writer; return `(pid, readable file of its acknowledgement lines)`."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest, never close the parent's connections
        status = 0
        try:
            os.close(read_fd)
            write_rounds(url, code, group, group_index, rounds, mode, lambda data: os.write(write_fd, data))
        except BaseException:  # noqa: BLE001 - reported on stderr, seen as a non-zero exit
            traceback.print_exc()
            status = 1
        finally:
            sys.stderr.flush()
            os._exit(status)
    os.close(write_fd)
    return pid, os.fdopen(read_fd, encoding="utf-8")


def parse_acks(text: str) -> list[dict]:
    """Acknowledgement lines; a last line without its newline was never fully promised."""
    lines = text.split("\n")
    return [json.loads(line) for line in lines[:-1] if line]

