"""Untrusted bytes are parsed in a worker process with hard limits, never in the caller.

`parse_in_worker(files, limits, parse)` runs `parse` (`analysis.intake.parse_upload`) in a fresh child process
and returns its survey or problems. The child

- lives for one upload only, so its CPU limit and its memory are its own;
- caps its address space (`RLIMIT_AS`: what it started with plus `SURVEY_WORKER_MEMORY_MB`)
  and its CPU time (`RLIMIT_CPU`: `SURVEY_WORKER_CPU_SECONDS`) before it touches the bytes,
  and is killed by the caller after `SURVEY_WORKER_TIMEOUT_SECONDS` of wall-clock time;
- sends its result as `analysis.survey_wire` bytes (JSON and raw integers, never a pickle),
  which the caller checks field by field.

A reader that allocates without bound, loops, or aborts in native code (a Rust allocation
failure ends the process with SIGABRT) ends that child only; the caller turns how it ended
into a specific problem ("the file needs more memory than SURVEY_WORKER_MEMORY_MB allows", …).

How the child is started: a multi-threaded process (the Streamlit server always is) must not
`fork`, so the child comes from multiprocessing's *forkserver* — a small single-threaded
process started once (by exec, not fork), which has imported the readers already
(`PRELOAD`) and forks a child per upload in ~10 ms. A single-threaded caller (the command
line) forks directly, which is safe there and spares starting the forkserver. Measured cost:
benchmarks/upload_parse.py.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Any

from analysis import survey_wire
from analysis.problems import Problem
from analysis.xlsx_reader import MB, limit_problem

log = logging.getLogger(__name__)

# Imported once by the forkserver, so a child starts with the readers loaded. The first entry
# keeps the forkserver single-threaded (see analysis/fork_safe.py).
PRELOAD = ["analysis.fork_safe", "numpy", "pandas", "pydantic", "python_calamine", "pyreadstat",
           "analysis.intake", "analysis.rounds", "analysis.sandbox"]
# Imported by the caller while its child parses (the caller only waits then, and a second core
# is idle): what every use of a survey needs next — the intervals (`scipy.special`) and the
# protection's audit (`scipy.optimize`, `scipy.sparse`) — about 0.3 s of a command's start;
# none once the reply is in, so a quick parse (`validate` of a small file) waits for no import.
WHILE_WAITING = ("scipy.special", "scipy.sparse", "scipy.optimize")
REPLY_LIMIT = 1024 * MB  # the largest reply accepted (a 200 000-row survey is a few tens of MB)
_lock = threading.Lock()
_forkserver: Any = None


def _threads() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return threading.active_count() + 1  # unknown: assume more than one, use the forkserver


def start_method() -> str:
    """How a worker would be started from this process now: `fork` in a single-threaded
    caller (the command line), else `forkserver` (the Streamlit server)."""
    return "fork" if _threads() == 1 else "forkserver"


def _context(method: str | None = None):
    """`fork` in a single-threaded caller, else the (shared, started-once) forkserver. A
    caller may ask for the forkserver (the benchmark measures the server's path that way);
    `fork` is refused in a multi-threaded process."""
    global _forkserver
    method = method or start_method()
    if method == "fork":
        if _threads() != 1:
            raise ValueError("a multi-threaded process must not fork an upload worker")
        return multiprocessing.get_context("fork")
    if method != "forkserver":
        raise ValueError(f"unknown start method {method!r}")
    with _lock:
        if _forkserver is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_main_script() + PRELOAD)
            _forkserver = context
        return _forkserver


def _main_script() -> list[str]:
    """`["__main__"]` when the caller's main module is a script run by path (`streamlit run`
    as a console script): multiprocessing runs that script again in every child unless the
    forkserver has imported it once (under a `__main__` guard, as every entry point has).
    A main module run by name (`python -m streamlit`, `python -m pytest`) is never re-run."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return ["__main__"] if path and getattr(main, "__spec__", None) is None and os.path.isfile(path) else []


def warm_up() -> None:
    """Start the forkserver now (it imports the readers, ~1 s), so the first upload does not wait."""
    if start_method() == "forkserver":
        from multiprocessing import forkserver

        _context("forkserver")
        forkserver.ensure_running()


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(connection, files: dict[str, bytes], limits, parse) -> None:
    """The worker: limits first, then parse, then one reply."""
    import resource

    memory = _vm_size() + limits.worker_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.worker_cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        survey, problems = parse(files, limits)
        reply = survey_wire.encode(survey, problems)
    except MemoryError:
        reply = survey_wire.encode(None, [limit_problem("worker_memory", "SURVEY_WORKER_MEMORY_MB",
                                                        limits.worker_memory_bytes // MB)])
    connection.send_bytes(reply)
    connection.close()


def parse_in_worker(files: dict[str, bytes], limits, parse, method: str | None = None) -> tuple[Any, list[Problem]]:
    """`parse(files, limits)` — the intake's `parse_upload`, passed in so this module needs no
    import of the intake that starts it — in a limited child process (see the module docstring);
    `method` (`fork` / `forkserver`) overrides how it is started (`start_method()`)."""
    context = _context(method)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, files, limits, parse), daemon=True, name="survey-upload")
    started = time.monotonic()
    try:
        process.start()
    except OSError:
        log.exception("could not start the upload worker")
        return None, [Problem("worker_start")]
    sender.close()
    for name in WHILE_WAITING:
        if receiver.poll(0):  # the reply is here: no more waiting to fill
            break
        importlib.import_module(name)
    try:
        if not receiver.poll(max(0.0, limits.worker_timeout_seconds - (time.monotonic() - started))):
            _stop(process)
            log.warning("upload worker stopped after %.0f s: %s", time.monotonic() - started, ", ".join(files))
            return None, [limit_problem("worker_timeout", "SURVEY_WORKER_TIMEOUT_SECONDS",
                                        int(limits.worker_timeout_seconds))]
        try:
            reply = receiver.recv_bytes(REPLY_LIMIT)
        except (EOFError, OSError):
            reply = None
    finally:
        receiver.close()
    process.join(5)
    if process.exitcode is None:
        _stop(process)
    if reply is None:
        return None, [_ended(process.exitcode, limits, files)]
    try:
        return survey_wire.decode(reply)
    except survey_wire.BadReply as err:
        log.error("upload worker sent a reply that is not a survey (%s): %s", err, ", ".join(files))
        return None, [Problem("worker_bad_reply")]


def _stop(process) -> None:
    process.kill()
    process.join(5)


def _ended(exitcode: int | None, limits, files) -> Problem:
    """How the worker ended without a reply, as a problem the user can act on."""
    log.warning("upload worker ended with %s: %s", exitcode, ", ".join(files))
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return limit_problem("worker_cpu", "SURVEY_WORKER_CPU_SECONDS", int(limits.worker_cpu_seconds))
    if exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        # A native reader that cannot get memory aborts (Rust) or faults; with the address
        # space capped that is by far the likeliest cause.
        return limit_problem("worker_memory", "SURVEY_WORKER_MEMORY_MB", limits.worker_memory_bytes // MB)
    return Problem("worker_crashed", params={"status": str(exitcode)})

