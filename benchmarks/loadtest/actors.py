"""What the simulated people do, and what is recorded while they do it.

* `viewer` — opens a survey page, then every 5–10 s changes the sidebar's Kommune filter (adds
  a municipality, then clears it again) and, if asked, every k-th time switches to the next page.
* `presenter` — the workshop's presenter view (`/verksted_visning?kode=…`): the page's own
  timer reruns its live fragment every few seconds (`auto_rerun`), and every 5–10 s the viewer
  flips the quadrant split (`kvadrant`), a whole rerun.
* `group` — a workshop group on its phone (`/verksted?kode=…&gruppe=…`): fills in the form's
  score inputs (potential and feasibility for every area, in the order the form lists them)
  and presses the form's submit button, through the same page, websocket and store as a
  person. A submission is *acknowledged* when the page answers with its success message
  (shown only after the store's COMMIT); on an error message or a dropped connection the
  group sends the same scores again until one is acknowledged.

Every actor survives a dropped connection like a browser (`StreamlitClient.reconnect`) and
records it: `disconnect`, `reconnected`, and `resumed` at its next completed run. Each
completed run is a `Sample` with its view (page, query string, fingerprint of the main area),
so a check can compare it with a fresh visit of the same URL (`reference_fingerprints`).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from benchmarks.loadtest.client import Disconnected, Run, RunTimeout, StreamlitClient, make_state

MUNICIPALITY_FILTER = "kommune"
SPLIT = "kvadrant"


@dataclass
class Sample:
    actor: str
    kind: str  # load, reload, widget:kommune, page, tick, change, submit, resume
    seconds: float  # request → script_finished
    to_last_delta: float  # request → last delta
    at: float  # time.monotonic() when it finished
    replica: str
    path: str
    query: str
    fingerprint: str
    after_disconnect: bool = False
    messages: int = 0
    to_first_chart: float | None = None


@dataclass
class Event:
    actor: str
    what: str  # disconnect, reconnected, resumed, error, failure
    at: float
    replica: str = ""
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Ack:
    group: str
    revision: int
    values: tuple[int, ...]
    attempts: int
    at: float
    replica: str


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)

    def event(self, actor: str, what: str, replica: str = "", detail: str = "", seconds: float = 0.0) -> None:
        self.events.append(Event(actor, what, time.monotonic(), replica, detail, seconds))

    def of(self, what: str) -> list[Event]:
        return [e for e in self.events if e.what == what]

    def times(self, kind_prefix: str, since: float = 0.0, until: float = float("inf")) -> list[float]:
        return [s.seconds for s in self.samples if s.kind.startswith(kind_prefix) and since <= s.at <= until]


class Actor:
    """One simulated tab: runs requests, records them, and recovers from a dropped connection."""

    def __init__(self, name: str, client: StreamlitClient, recorder: Recorder, reconnect: str = "browser"):
        self.name, self.client, self.recorder, self.mode = name, client, recorder, reconnect
        self.disconnected_at: float | None = None
        self.page: tuple[str, object] | None = None  # what to open when nothing is loaded yet

    async def open(self, path: str, query="") -> Run | None:
        self.page = (path, query)
        return await self.do(lambda: self.client.open(path, query))

    async def do(self, request) -> Run | None:
        """Run `request()` (a coroutine function); on a dropped connection reconnect (and record
        it) instead. Returns the completed run, or None."""
        if self.client.last is None and self.page is not None:  # nothing loaded yet (a failed first load)
            request = lambda: self.client.open(*self.page)  # noqa: E731
        try:
            run = await request()
        except Disconnected as error:
            await self.recover(str(error))
            return None
        except RunTimeout as error:
            self.recorder.event(self.name, "error", self.client.replica, str(error))
            await self.recover(str(error), mode="reload")
            return None
        return self.record(run)

    async def recover(self, why: str, mode: str | None = None) -> None:
        if self.disconnected_at is None:
            self.disconnected_at = time.monotonic()
            self.recorder.event(self.name, "disconnect", self.client.replica, why)
        try:
            if self.client.last is None and self.page is not None:  # never loaded: load again
                run = await self.client.open(*self.page)
            else:
                run = await self.client.reconnect(mode or self.mode)
        except (Disconnected, RunTimeout) as error:
            self.recorder.event(self.name, "error", self.client.replica, f"reconnect: {error}")
            return
        self.recorder.event(self.name, "reconnected", self.client.replica,
                            seconds=time.monotonic() - self.disconnected_at)
        if run is not None:
            self.record(run)

    def record(self, run: Run) -> Run:
        client = self.client
        resumed = self.disconnected_at is not None
        for message in run.exceptions:
            self.recorder.event(self.name, "error", client.replica, f"exception on {client.path}: {message[:200]}")
        self.recorder.samples.append(Sample(
            self.name, run.kind, run.seconds, run.to_last_delta, time.monotonic(), client.replica, client.path,
            client.query_string, run.fingerprint(), resumed, run.messages, run.to_first_chart))
        if resumed:
            self.recorder.event(self.name, "resumed", client.replica, run.kind,
                                seconds=time.monotonic() - self.disconnected_at)
            self.disconnected_at = None
        return run


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds` unless `stop` is set first; True if it is time to stop."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    except asyncio.TimeoutError:
        return stop.is_set()
    return True


async def toggle_municipality(client: StreamlitClient, rng: random.Random) -> Run:
    """Add one municipality to the Kommune filter, or clear it again."""
    element = client.widget(MUNICIPALITY_FILTER)
    chosen = list(client.states[element.proto.id].string_array_value.data) if element.proto.id in client.states else []
    return await client.set_widget(MUNICIPALITY_FILTER, [] if chosen else [rng.choice(list(element.proto.options))])


async def viewer(name: str, base: str, recorder: Recorder, stop: asyncio.Event, *, seed: int = 0,
                 pages: tuple[str, ...] = ("erfaringer",), switch_every: int = 0, interval=(5.0, 10.0),
                 reconnect: str = "browser", timeout: float = 60.0, query: str = "") -> None:
    rng = random.Random(seed)
    client = StreamlitClient(base, timeout=timeout)
    actor = Actor(name, client, recorder, reconnect)
    await actor.open(pages[0], query)
    turn, page_index = 0, 0
    try:
        while not await pause(stop, rng.uniform(*interval)):
            turn += 1
            if switch_every and turn % switch_every == 0 and len(pages) > 1:
                page_index = (page_index + 1) % len(pages)
                await actor.do(lambda: client.switch_page(pages[page_index]))
            else:
                await actor.do(lambda: toggle_municipality(client, rng))
    finally:
        await client.close()


async def presenter(name: str, base: str, code: str, recorder: Recorder, stop: asyncio.Event, *, seed: int = 0,
                    interval=(5.0, 10.0), reconnect: str = "browser", timeout: float = 60.0) -> None:
    rng = random.Random(seed)
    client = StreamlitClient(base, timeout=timeout)
    actor = Actor(name, client, recorder, reconnect)
    await actor.open("verksted_visning", [("kode", code)])
    now = time.monotonic()
    next_change = now + rng.uniform(*interval)
    next_tick = now + (min(client.auto_reruns.values()) if client.auto_reruns else float("inf"))
    try:
        while not await pause(stop, min(next_change, next_tick) - time.monotonic()):
            if time.monotonic() >= next_tick:
                await actor.do(client.fragment_tick)
                period = min(client.auto_reruns.values()) if client.auto_reruns else float("inf")
                next_tick = max(next_tick + period, time.monotonic())  # the frontend's timer does not catch up
            if time.monotonic() >= next_change:
                element = _split_control(client)
                if element is not None:  # the projector page has none: its own fragment ticks are the load
                    current = client.states.get(element.proto.id)
                    options = list(element.proto.options)
                    shown = current.string_value if current is not None else options[0]
                    await actor.do(lambda: client.set_widget(SPLIT, options[(options.index(shown) + 1) % len(options)]))
                next_change = time.monotonic() + rng.uniform(*interval)
    finally:
        await client.close()


def _split_control(client):
    """The quadrant control of the last run, if the page draws one (Prioriteringer does; the
    projector page reads `?kvadrant=` from its link and draws no control)."""
    if not client.last:
        return None
    try:
        return client.widget(SPLIT)
    except KeyError:
        return None


def score_plan(group_index: int, revision: int, areas: int) -> tuple[int, ...]:
    """The scores a group sends in its `revision`-th submission: potential, feasibility for each
    area in form order, integers 1–10, different for every revision of a group (up to 100)."""
    values = []
    for area in range(areas):
        values += [1 + (revision + area) % 10, 1 + (group_index + 3 * area + revision // 10) % 10]
    return tuple(values)


FORM_INPUTS = {"number_input", "button_group"}  # a score as a number field or as ten tap targets


def score_inputs(run: Run) -> list:
    """The form's score inputs in page order: number fields inside an `st.form`, or the phone
    form's rows of ten tap targets (a segmented control with ten options; taps rerun nothing)."""
    return sorted((e for e in run.elements.values() if e.kind in FORM_INPUTS
                   and (e.proto.form_id or (e.kind == "button_group" and len(e.proto.options) == 10))),
                  key=lambda e: e.path)


async def submit_form(client: StreamlitClient, values: tuple[int, ...]) -> tuple[bool, str]:
    """Fill in the last run's form (its score inputs in page order) and press its submit button:
    an `st.form`'s submitter, or the phone form's one button, which sits in a fragment (the
    press reruns only that fragment, as the frontend sends it). (acknowledged, message): the
    success message, or the error the page showed."""
    run = client.last
    inputs = score_inputs(run) if run else []
    buttons = [e for e in run.elements.values() if e.kind == "button"
               and (e.proto.is_form_submitter or e.fragment_id)] if run else []
    if len(inputs) != len(values) or len(buttons) != 1:
        errors = run.alerts("ERROR") if run else []
        return False, errors[0] if errors else f"no form with {len(values)} score inputs on {client.path}"
    for element, value in zip(inputs, values):
        client.states[element.proto.id] = make_state(element, value)
    answer = await client.rerun(kind="submit", fragment_id=buttons[0].fragment_id,
                                extra=[make_state(buttons[0], True)])
    errors, saved = answer.alerts("ERROR"), answer.alerts("SUCCESS")
    if errors or not saved:
        return False, errors[0] if errors else "no confirmation shown"
    return True, saved[0]


async def group(name: str, base: str, code: str, group_name: str, group_index: int, areas: int, recorder: Recorder,
                stop: asyncio.Event, *, seed: int = 0, interval=(5.0, 10.0), reconnect: str = "browser",
                timeout: float = 60.0, give_up: float = 180.0, retry_pause: float = 1.0) -> None:
    """Submit a new revision every `interval` until `stop`; each one until it is acknowledged."""
    rng = random.Random(seed)
    client = StreamlitClient(base, timeout=timeout)
    actor = Actor(name, client, recorder, reconnect)
    await actor.open("verksted", [("kode", code), ("gruppe", group_name)])
    revision = 0
    try:
        while not await pause(stop, rng.uniform(*interval)):
            revision += 1
            values = score_plan(group_index, revision, areas)
            deadline = time.monotonic() + give_up
            attempts = 0
            while True:
                attempts += 1
                outcome: list = []

                async def attempt():
                    outcome.append(await submit_form(client, values))
                    return client.last

                run = await actor.do(attempt)
                acknowledged, message = outcome[0] if outcome else (False, "connection lost")
                if acknowledged and run is not None:
                    recorder.acks.append(Ack(group_name, revision, values, attempts, time.monotonic(), client.replica))
                    break
                recorder.event(name, "failure", client.replica, message)
                if time.monotonic() > deadline:
                    recorder.event(name, "error", client.replica, f"revision {revision} never acknowledged: {message}")
                    return
                await asyncio.sleep(retry_pause)
                await actor.do(lambda: client.open("verksted", [("kode", code), ("gruppe", group_name)]))
    finally:
        await client.close()


async def reference_fingerprints(base: str, views: set[tuple[str, str]], timeout: float = 120.0) -> dict:
    """What a fresh visit of each (page, query string) shows: its run's fingerprint."""
    found = {}
    for path, query in sorted(views):
        client = StreamlitClient(base, timeout=timeout)
        try:
            found[(path, query)] = (await client.open(path, query)).fingerprint()
        finally:
            await client.close()
    return found
