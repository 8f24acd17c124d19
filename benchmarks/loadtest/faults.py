"""Faults under load, on a running `deploy.stack.Stack`: what the slow test asserts and the
replica benchmark prints.

* `replica_kill` — viewers and workshop groups through HAProxy; once every one of them has
  done something, kill -9 the replica serving most of them. Its viewers' websockets drop;
  they reconnect through the balancer (to the other replica) like a browser and must get
  their view back: every run any viewer completes, before or after, shows what a fresh visit
  of its URL shows (same fingerprint). Then the replica is started again and new viewers must
  land on it. Every acknowledged score must be in the store, once.
* `postgres_restart` — groups keep submitting while PostgreSQL is stopped for a few seconds
  and started again: submissions in that window fail with the store's clear message, the
  retries succeed, nothing is half-written.

Both return a report whose `problems()` lists every broken promise in a sentence (empty when
all held), plus the times it measured.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.loadtest.actors import Ack, Event, Recorder, Sample, group, presenter, reference_fingerprints, viewer

SURVEY_PAGES = ("erfaringer", "mulighetsrom", "", "utforsk")  # "" = the default page (Oversikt)


def group_names(count: int) -> list[str]:
    return [f"Gruppe {i}" for i in range(1, count + 1)]


def open_workshop(stack, pin: str, groups: int, title: str):
    """A live session in the stack's store (the facilitator's step, through the store API)."""
    from workshop.store import WorkshopStore

    store = WorkshopStore(stack.database_url, facilitator_pin=pin)
    return store, store.open_session(pin, f"{title} {time.strftime('%H:%M:%S')} {time.monotonic_ns() % 10**6}",
                                     group_names(groups))


def check_workshop(store, session, acks: list[Ack], groups: list[str]) -> list[str]:
    """Every acknowledged submission is in the history, whole, no more often than it was sent;
    the current scores are each group's last acknowledged ones, one row per group × area."""
    problems = []
    areas = session.area_names
    current = store.current_scores(session)
    history = store.history(session)
    duplicated = int(current.duplicated(["group", "area"]).sum())
    if duplicated:
        problems.append(f"{duplicated} group × area cells appear more than once in the current scores")
    sizes = history.groupby("submission").size()
    partial = sizes[sizes != len(areas)]
    if len(partial):
        problems.append(f"{len(partial)} submissions are stored in part ({partial.tolist()[:5]} of {len(areas)} areas)")
    position = {area: i for i, area in enumerate(areas)}
    stored = Counter()
    for (group_name, _submission), rows in history.groupby(["group", "submission"]):
        ordered = rows.assign(pos=rows["area"].map(position)).sort_values("pos")
        stored[(group_name, tuple(int(v) for pair in zip(ordered["potential"], ordered["feasibility"]) for v in pair))] += 1
    for ack in acks:
        count = stored[(ack.group, ack.values)]
        if count == 0:
            problems.append(f"{ack.group}'s acknowledged revision {ack.revision} is not in the history")
        elif count > ack.attempts:
            problems.append(f"{ack.group}'s revision {ack.revision} is stored {count}× but was sent {ack.attempts}×")
    for name in groups:
        mine = [a for a in acks if a.group == name]
        if not mine:
            problems.append(f"{name} got no submission acknowledged")
            continue
        last = max(mine, key=lambda a: a.revision)
        rows = current[current["group"] == name].set_index("area")
        if sorted(rows.index) != sorted(areas):
            problems.append(f"{name} has current scores for {len(rows)} of {len(areas)} areas")
            continue
        shown = tuple(int(v) for area in areas for v in (rows.loc[area, "potential"], rows.loc[area, "feasibility"]))
        if shown != last.values:
            problems.append(f"{name}'s current scores are not its last acknowledged revision {last.revision}")
    return problems


async def wait_for(condition, timeout: float, what: str, late: list[str], poll: float = 0.5) -> bool:
    """Wait until `condition()`; after `timeout` note in `late` what did not happen, and go on."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            late.append(f"gave up after {timeout:.0f} s waiting for {what}")
            return False
        await asyncio.sleep(poll)
    return True


def _staggered(delay: float, coroutine):
    async def run():
        await asyncio.sleep(delay)
        await coroutine
    return asyncio.create_task(run())


@dataclass
class KillReport:
    victim: str
    on_victim: set[str]
    elsewhere: set[str]
    kill_at: float
    recorder: Recorder
    resumed: dict[str, float] = field(default_factory=dict)  # actor → s from the kill to its first run after
    reconnected: dict[str, float] = field(default_factory=dict)  # actor → s from its disconnect to a new websocket
    unexpected_disconnects: list[Event] = field(default_factory=list)
    errors: list[Event] = field(default_factory=list)
    mismatched_views: list[Sample] = field(default_factory=list)
    views_checked: int = 0
    newcomers: dict[str, str] = field(default_factory=dict)  # viewer started after the restart → its replica
    workshop_problems: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # waits that timed out
    acks: int = 0

    @property
    def not_resumed(self) -> set[str]:
        return self.on_victim - set(self.resumed)

    def problems(self) -> list[str]:
        found = []
        if not self.on_victim:
            found.append(f"nobody was on {self.victim} when it was killed")
        if self.not_resumed:
            found.append(f"{len(self.not_resumed)} of {len(self.on_victim)} on {self.victim} never resumed: "
                         f"{sorted(self.not_resumed)}")
        for event in self.unexpected_disconnects:
            found.append(f"{event.actor} on {event.replica or '?'} lost its connection: {event.detail}")
        for event in self.errors:
            found.append(f"{event.actor} on {event.replica or '?'}: {event.detail}")
        for sample in self.mismatched_views[:10]:
            found.append(f"{sample.actor} saw something else than a fresh visit of /{sample.path}?{sample.query} "
                         f"({sample.kind}{', after the reconnect' if sample.after_disconnect else ''})")
        if self.newcomers and self.victim not in self.newcomers.values():
            found.append(f"no new viewer reached the restarted {self.victim} ({self.newcomers})")
        return self.late + found + self.workshop_problems


async def replica_kill(stack, pin: str, *, viewers: int = 20, groups: int = 9, newcomers: int = 4,
                       interval=(8.0, 15.0), group_interval=(6.0, 12.0), timeout: float = 90.0,
                       warm_timeout: float = 300.0, resume_timeout: float = 180.0, settle: float = 5.0,
                       log=print) -> KillReport:
    store, session = open_workshop(stack, pin, groups, "Failover")
    names = group_names(groups)
    recorder, stop = Recorder(), asyncio.Event()
    tasks = []
    for i in range(viewers):
        pages = SURVEY_PAGES[i % len(SURVEY_PAGES):] + SURVEY_PAGES[:i % len(SURVEY_PAGES)]
        tasks.append(_staggered(0.3 * i, viewer(
            f"viewer-{i + 1:02d}", stack.url, recorder, stop, seed=i, pages=pages, switch_every=3, interval=interval,
            reconnect="browser" if i % 2 == 0 else "reload", timeout=timeout)))
    for i, name in enumerate(names):
        tasks.append(_staggered(0.3 * i, group(
            f"group-{i + 1}", stack.url, session.join_code, name, i, len(session.areas), recorder, stop, seed=100 + i,
            interval=group_interval, reconnect="browser" if i % 2 == 0 else "reload", timeout=timeout)))
    actors = [f"viewer-{i + 1:02d}" for i in range(viewers)] + [f"group-{i + 1}" for i in range(groups)]

    def active(actor: str) -> bool:
        if actor.startswith("group"):
            return any(a.group == names[int(actor.split("-")[1]) - 1] for a in recorder.acks)
        return any(s.actor == actor and s.kind not in ("load", "reload") for s in recorder.samples)

    late: list[str] = []
    try:
        await wait_for(lambda: all(active(a) for a in actors), warm_timeout, "every viewer to change a filter "
                       "and every group to have a submission acknowledged (killing anyway)", late)
        where = {}
        for sample in recorder.samples:
            where[sample.actor] = sample.replica
        counts = Counter(where.values())
        victim = counts.most_common(1)[0][0]
        on_victim = {a for a, r in where.items() if r == victim}
        log(f"  kill -9 {victim}: {len(on_victim)} of {len(where)} viewers and groups are on it "
            f"({dict(counts)})")
        kill_at = time.monotonic()
        stack.kill_replica(victim)
        report = KillReport(victim, on_victim, set(where) - on_victim, kill_at, recorder, late=late)

        def resumed_after_kill() -> dict[str, float]:
            return {e.actor: e.at - kill_at for e in recorder.of("resumed") if e.at > kill_at}

        await wait_for(lambda: on_victim <= set(resumed_after_kill()), resume_timeout,
                       f"the {len(on_victim)} viewers and groups of {victim} to resume", late)
        stack.wait_states({victim: "DOWN"}, timeout=30)
        log(f"  all {len(on_victim)} resumed within {max(resumed_after_kill().values(), default=0):.1f} s; "
            f"starting {victim} again")
        stack.start_replica(victim)
        stack.wait_states({victim: "UP"}, timeout=60)
        later = [f"newcomer-{i + 1}" for i in range(newcomers)]
        for i, name in enumerate(later):
            tasks.append(_staggered(0.5 * i, viewer(name, stack.url, recorder, stop, seed=200 + i,
                                                    interval=interval, timeout=timeout)))
        await wait_for(lambda: all(any(s.actor == n for s in recorder.samples) for n in later), warm_timeout,
                       "the new viewers' first page", late)
        await asyncio.sleep(settle)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    report.resumed = resumed_after_kill()
    report.reconnected = {e.actor: e.seconds for e in recorder.of("reconnected") if e.at > kill_at}
    report.unexpected_disconnects = [e for e in recorder.of("disconnect") if e.at < kill_at or e.actor not in on_victim]
    report.errors = recorder.of("error")
    report.newcomers = {s.actor: s.replica for s in recorder.samples if s.actor.startswith("newcomer")}
    seen = [s for s in recorder.samples if not s.actor.startswith("group")]
    survey = [s for s in seen if s.path in SURVEY_PAGES or s.path == ""]
    references = await reference_fingerprints(stack.url, {(s.path, s.query) for s in survey}, timeout=timeout)
    report.mismatched_views = [s for s in survey if references[(s.path, s.query)] != s.fingerprint]
    report.views_checked = len(survey)
    report.workshop_problems = check_workshop(store, session, recorder.acks, names)
    report.acks = len(recorder.acks)
    store.dispose()
    return report


@dataclass
class RestartReport:
    down_at: float
    up_at: float
    recorder: Recorder
    clear_messages: set[str]
    failures: list[Event] = field(default_factory=list)
    errors: list[Event] = field(default_factory=list)
    acked_after: set[str] = field(default_factory=set)
    groups: list[str] = field(default_factory=list)
    workshop_problems: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = []
        if not self.failures:
            found.append("no submission fell into the outage (nothing was tested)")
        for event in self.failures:
            if event.detail not in self.clear_messages:
                found.append(f"{event.actor} was told {event.detail!r}, not the store's message")
            if not self.down_at <= event.at <= self.up_at + 30:
                found.append(f"{event.actor} failed {event.at - self.up_at:.1f} s after PostgreSQL was back")
        for event in self.errors:
            found.append(f"{event.actor}: {event.detail}")
        missing = set(self.groups) - self.acked_after
        if missing:
            found.append(f"{sorted(missing)} got no submission acknowledged after the restart")
        return found + self.workshop_problems


async def postgres_restart(stack, pin: str, *, groups: int = 9, presenters: int = 2, down_seconds: float = 4.0,
                           interval=(1.0, 2.0), timeout: float = 90.0, warm_timeout: float = 240.0,
                           log=print) -> RestartReport:
    from analysis.i18n import t

    store, session = open_workshop(stack, pin, groups, "Omstart")
    names = group_names(groups)
    recorder, stop = Recorder(), asyncio.Event()
    tasks = [_staggered(0.2 * i, group(f"group-{i + 1}", stack.url, session.join_code, name, i, len(session.areas),
                                       recorder, stop, seed=300 + i, interval=interval, timeout=timeout,
                                       retry_pause=0.5))
             for i, name in enumerate(names)]
    tasks += [_staggered(0.5 * i, presenter(f"presenter-{i + 1}", stack.url, session.join_code, recorder, stop,
                                            seed=400 + i, timeout=timeout)) for i in range(presenters)]
    late: list[str] = []
    try:
        await wait_for(lambda: {a.group for a in recorder.acks} == set(names), warm_timeout,
                       "every group to have a submission acknowledged (restarting anyway)", late)
        down_at = time.monotonic()
        stack.postgres.stop()
        log(f"  PostgreSQL stopped for {down_seconds:.0f} s while {groups} groups submit")
        await asyncio.sleep(down_seconds)
        stack.postgres.start()
        up_at = time.monotonic()
        await wait_for(lambda: {a.group for a in recorder.acks if a.at > up_at} == set(names), warm_timeout,
                       "every group to have a submission acknowledged after the restart", late)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    clear = {t(f"workshop.error.{code}", "nb") for code in ("submit_unconfirmed", "database_unavailable")}
    report = RestartReport(down_at, up_at, recorder, clear, failures=recorder.of("failure"),
                           errors=recorder.of("error"), acked_after={a.group for a in recorder.acks if a.at > up_at},
                           groups=names)
    report.workshop_problems = late + check_workshop(store, session, recorder.acks, names)
    store.dispose()
    return report
