"""One simulated browser tab that speaks Streamlit's own websocket protocol (Streamlit 1.67).

What the frontend does (read from the bundled frontend, `static/js/index.*.js`, and
`web/server/starlette/starlette_websocket.py`), and what `StreamlitClient` does the same way:

* **Page load.** `GET /<page>?<query>` (the HTML; behind HAProxy this response sets the
  sticky `SERVERID` cookie), `GET /_stcore/health` and `/_stcore/host-config`, then a websocket
  to `/_stcore/stream` with the cookies, an `Origin` header and the subprotocol list
  `["streamlit", <xsrf cookie or "PLACEHOLDER_AUTH_TOKEN">, <last session id>]` (the session
  id only on a reconnect). Static files (JavaScript, CSS) are not fetched: a returning browser
  has them cached, and serving them is not the app's cost.
* **A run.** A `BackMsg.rerun_script` (`ClientState`: query string, widget states, page script
  hash or page name, cached message hashes, context info) starts a script run. The server
  answers with `new_session`, deltas (`delta.new_element` / `add_block`, each with its
  `metadata.delta_path`), `navigation` (the pages and the current page's hash),
  `page_info_changed` (a new query string) and finally `script_finished`. A run that
  `st.rerun()` cuts short ends with FINISHED_EARLY_FOR_RERUN and is followed by the next run;
  a request is done at FINISHED_SUCCESSFULLY (or a fragment's FINISHED_FRAGMENT_RUN_...).
* **Widgets.** The frontend keeps one value per widget (by its `id`) and sends all of them
  with every rerun; a widget bound to a query parameter (`query_param_key`) also writes its
  value into the URL (repeated keys for a multiselect; removed at the default value). On a
  page change it keeps the values of the main script's widgets (the sidebar) and their URL
  parameters.
* **Message cache.** Messages with `metadata.cacheable` are kept by `hash`; their hashes go
  with every rerun and the server may then send only a `ref_hash`. Entries not used for
  `max_cached_message_age` runs are dropped.
* **Fragments.** `auto_rerun` (an `st.fragment(run_every=...)`) makes the frontend send a
  fragment rerun (`fragment_id`, `is_auto_rerun`) every `interval` seconds.
* **Reconnect.** After the websocket drops, the frontend pings `/_stcore/health` until it
  answers and opens a new websocket with the last session id. A replica that does not know
  the id starts a new session. The frontend asks for a rerun at once only if the last run was
  interrupted (or fragments / auto-reruns are active); otherwise the next interaction reruns,
  with all widget values and the URL. `reconnect(mode="reload")` is the other thing a person
  does: reload the page, so that only the URL carries the view.

Times are `time.perf_counter()` seconds from sending the request: to the first Plotly chart
(what a person sees change first; benchmark 2 times that in Chromium), to the last delta and
to `script_finished`.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.cookies
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
WIDGETS = {"multiselect", "selectbox", "radio", "checkbox"}  # widgets whose value the frontend registers on mount
VOLATILE = {"download_button"}  # carry a per-session file id: left out of a run's fingerprint
SIDEBAR = 1  # delta_path[0]: 0 is the main area, 1 the sidebar


class Disconnected(Exception):
    """The websocket closed (or could not be opened) while a request was pending."""


class RunTimeout(Exception):
    """No `script_finished` within the timeout."""


@dataclass
class Element:
    path: tuple[int, ...]
    kind: str  # the Element oneof: "plotly_chart", "multiselect", "alert", …
    proto: object  # the Element's inner message (e.g. a MultiSelect)
    script_hash: str  # which script wrote it (app.py or the page)
    raw: bytes  # the Element serialised, for fingerprints
    fragment_id: str = ""  # the `st.fragment` that drew it ("" outside fragments)


@dataclass
class Run:
    """What one request (a page load, a rerun, a fragment rerun) produced."""

    kind: str
    sent: float
    finished: float | None = None
    last_delta: float | None = None
    first_chart: float | None = None  # the first Plotly chart of the (last) run arrived
    status: int | None = None
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    page_hash: str = ""
    runs: int = 0  # script runs seen (more than one after an st.rerun)
    messages: int = 0
    bytes: int = 0

    @property
    def seconds(self) -> float:
        return (self.finished or self.sent) - self.sent

    @property
    def to_last_delta(self) -> float:
        return (self.last_delta or self.finished or self.sent) - self.sent

    @property
    def to_first_chart(self) -> float | None:
        return None if self.first_chart is None else self.first_chart - self.sent

    def of_kind(self, kind: str) -> list[Element]:
        return [e for e in self.elements.values() if e.kind == kind]

    @property
    def exceptions(self) -> list[str]:
        return [e.proto.message for e in self.of_kind("exception")]

    def alerts(self, format_name: str) -> list[str]:
        from streamlit.proto.Alert_pb2 import Alert

        wanted = Alert.Format.Value(format_name)
        return [e.proto.body for e in self.of_kind("alert") if e.proto.format == wanted]

    def fingerprint(self) -> str:
        """The main area's content (paths, element types and their bytes, without per-session
        file ids): two runs that show the same view have the same fingerprint."""
        digest = hashlib.sha1(self.page_hash.encode())
        for path in sorted(self.elements):
            element = self.elements[path]
            if path[:1] == (0,) and element.kind not in VOLATILE:
                digest.update(repr(path).encode() + element.kind.encode() + element.raw)
        return digest.hexdigest()


def http_get(url: str, cookies: dict[str, str], timeout: float) -> tuple[int, dict[str, str]]:
    """GET `url` with `cookies`; the status and the cookies the response sets."""
    request = urllib.request.Request(url, headers={"Cookie": cookie_header(cookies)} if cookies else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, parse_set_cookie(response.headers.get_all("Set-Cookie") or [])
    except urllib.error.HTTPError as error:
        return error.code, parse_set_cookie(error.headers.get_all("Set-Cookie") or [])


def parse_set_cookie(headers: list[str]) -> dict[str, str]:
    found = {}
    for header in headers:
        jar = http.cookies.SimpleCookie()
        jar.load(header)
        found.update({name: morsel.value for name, morsel in jar.items()})
    return found


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class StreamlitClient:
    """A browser tab: `open(path, query)`, then `set_widget`, `switch_page`, `rerun`; `reconnect`."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, timezone: str = "Europe/Oslo", locale: str = "nb-NO"):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.timezone, self.locale = timezone, locale
        self.cookies: dict[str, str] = {}
        self.path = ""  # the URL path of the current page ("" = the default page)
        self.query: list[tuple[str, str]] = []  # the URL's query parameters, in order
        self.session_id = ""
        self.main_script_hash = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path → page script hash (from `navigation`)
        self.widgets: dict[str, Element] = {}  # id → the widget's element in the last run
        self.states: dict[str, WidgetState] = {}  # id → the value this tab holds
        self.cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash → (message, run counter when last used)
        self.max_cache_age = 2
        self.finished_runs = 0
        self.auto_reruns: dict[str, float] = {}  # fragment id → interval (s)
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.pending: Run | None = None
        self.done: asyncio.Future | None = None
        self.interrupted = False  # a request was pending when the connection dropped
        self.lock = asyncio.Lock()  # one request at a time, like one person at one tab
        self.messages = 0
        self.last: Run | None = None  # the last whole-page run (not a fragment's)

    # --- where this tab is ----------------------------------------------------------------

    @property
    def replica(self) -> str:
        """The replica HAProxy's sticky cookie names ("" without a balancer)."""
        return self.cookies.get("SERVERID", "")

    @property
    def query_string(self) -> str:
        return urllib.parse.urlencode(self.query)

    @property
    def url(self) -> str:
        return f"{self.base}/{self.path}" + (f"?{self.query_string}" if self.query else "")

    @property
    def connected(self) -> bool:
        return self.ws is not None and self.reader is not None and not self.reader.done()

    # --- connection -----------------------------------------------------------------------

    async def _get(self, path: str) -> int:
        status, cookies = await asyncio.to_thread(http_get, f"{self.base}/{path}", dict(self.cookies), self.timeout)
        self.cookies.update(cookies)
        return status

    async def _connect(self, with_session: bool) -> None:
        tokens = ["streamlit", self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")]
        if with_session and self.session_id:
            tokens.append(self.session_id)
        headers = {"Origin": self.base}
        if self.cookies:
            headers["Cookie"] = cookie_header(self.cookies)
        uri = self.base.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        # No client pings: browsers send none, and an overloaded server must not be cut off for a late pong.
        self.ws = await websockets.connect(uri, subprotocols=tokens, additional_headers=headers, max_size=None,
                                           ping_interval=None, open_timeout=self.timeout)
        self.reader = asyncio.create_task(self._read(self.ws))

    async def open(self, path: str = "", query: str | list[tuple[str, str]] = "", kind: str = "load") -> Run:
        """A page load: HTML, health, host config, websocket, the first run (from the URL only)."""
        await self.close()
        self.path = path.strip("/")
        self.query = urllib.parse.parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else list(query)
        self.states.clear()
        self.widgets.clear()
        self.auto_reruns.clear()  # a page load forgets the old page's fragment timers
        self.session_id = ""
        self.page_hash = ""
        sent = time.perf_counter()
        try:
            await self._get(self.path + (f"?{self.query_string}" if self.query else ""))
            await self._get("_stcore/health")
            await self._get("_stcore/host-config")
            await self._connect(with_session=False)
        except (OSError, websockets.exceptions.WebSocketException) as error:
            raise Disconnected(f"page load failed: {type(error).__name__}: {error}") from error
        return await self._request(kind, sent=sent, page_name=self.path)

    async def reconnect(self, mode: str = "browser", attempts: int = 120, pause: float = 0.5) -> Run | None:
        """After a dropped connection. "browser": ping health until it answers, new websocket with
        the last session id, rerun at once only if a run was interrupted (else None: the next
        interaction reruns). "reload": a page load of the current URL."""
        await self.close()
        for attempt in range(attempts):
            try:
                if await self._get("_stcore/health") == 200:
                    break
            except OSError:
                pass
            await asyncio.sleep(pause)
        else:
            raise Disconnected(f"the server did not answer /_stcore/health after {attempts} tries")
        if mode == "reload":
            return await self.open(self.path, list(self.query), kind="reload")
        try:
            await self._connect(with_session=True)
        except (OSError, websockets.exceptions.WebSocketException) as error:
            raise Disconnected(f"reconnect failed: {type(error).__name__}: {error}") from error
        if self.interrupted or self.auto_reruns:
            return await self.rerun(kind="resume")
        return None

    async def close(self) -> None:
        ws, reader = self.ws, self.reader
        self.ws, self.reader = None, None
        if reader is not None:
            reader.cancel()
        if ws is not None:
            try:
                await asyncio.wait_for(ws.close(), 5)
            except Exception:  # noqa: BLE001 - a dead connection may not close cleanly
                pass

    # --- requests -------------------------------------------------------------------------

    async def rerun(self, kind: str = "rerun", page_hash: str | None = None, fragment_id: str = "",
                    auto: bool = False, widget_ids: set[str] | None = None,
                    extra: list[WidgetState] = ()) -> Run:
        """A rerun with every widget value this tab holds (or those in `widget_ids`) plus `extra`
        (e.g. a button's trigger), the current URL and page."""
        states = [s for i, s in self.states.items() if widget_ids is None or i in widget_ids]
        return await self._request(kind, states=states + list(extra), page_hash=page_hash or self.page_hash,
                                   fragment_id=fragment_id, auto=auto)

    async def _request(self, kind: str, *, sent: float | None = None, states=(), page_hash: str = "",
                       page_name: str = "", fragment_id: str = "", auto: bool = False) -> Run:
        async with self.lock:
            if not self.connected:
                self.interrupted = True
                raise Disconnected("not connected")
            message = BackMsg()
            client = message.rerun_script
            client.query_string = self.query_string
            client.widget_states.widgets.extend(states)
            client.page_script_hash = page_hash
            client.page_name = page_name if not page_hash else ""
            client.fragment_id = fragment_id
            client.is_auto_rerun = auto
            client.cached_message_hashes.extend(self.cache)
            context = client.context_info
            context.timezone, context.locale, context.url = self.timezone, self.locale, self.url
            context.timezone_offset, context.is_embedded, context.color_scheme = -60, False, "light"
            self.pending = Run(kind, sent=sent if sent is not None else time.perf_counter())
            self.done = asyncio.get_running_loop().create_future()
            self.interrupted = True
            try:
                await self.ws.send(message.SerializeToString())
                run = await asyncio.wait_for(asyncio.shield(self.done), self.timeout)
            except asyncio.TimeoutError as error:
                raise RunTimeout(f"{kind}: no script_finished within {self.timeout:.0f} s") from error
            except websockets.exceptions.WebSocketException as error:
                raise Disconnected(f"{kind}: {type(error).__name__}") from error
            finally:
                self.pending, self.done = None, None
            self.interrupted = False
            return run

    # --- what the server sends ------------------------------------------------------------

    async def _read(self, ws) -> None:
        try:
            async for data in ws:
                self._handle(data)
        except websockets.exceptions.ConnectionClosed:
            pass
        finally:
            if self.done is not None and not self.done.done():
                why = f"code {ws.close_code}" + (f" {ws.close_reason}" if ws.close_reason else "")
                self.done.set_exception(Disconnected(f"connection closed during a run ({why})"))

    def _handle(self, data: bytes) -> None:
        now = time.perf_counter()
        message = ForwardMsg()
        message.ParseFromString(data)
        self.messages += 1
        kind = message.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(message.ref_hash)
            if cached is None:
                self._fail(f"cache miss for {message.ref_hash}")
                return
            resolved = ForwardMsg()
            resolved.CopyFrom(cached[0])
            resolved.metadata.CopyFrom(message.metadata)
            message, kind = resolved, resolved.WhichOneof("type")
        if message.metadata.cacheable and message.hash:
            self.cache[message.hash] = (message, self.finished_runs)
        elif message.hash in self.cache:
            self.cache[message.hash] = (self.cache[message.hash][0], self.finished_runs)
        run = self.pending
        if run is not None:
            run.messages += 1
            run.bytes += len(data)
        if kind == "new_session":
            session = message.new_session
            self.session_id = session.initialize.session_id or self.session_id
            self.main_script_hash = session.main_script_hash
            self.max_cache_age = session.config.max_cached_message_age or self.max_cache_age
            if run is not None and not message.metadata.run.fragment_ids:
                run.elements.clear()
                run.first_chart = None
                run.runs += 1
        elif kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash
            self.path = next((path for path, h in self.pages.items() if h == self.page_hash), self.path)
        elif kind == "page_info_changed":
            self.query = urllib.parse.parse_qsl(message.page_info_changed.query_string, keep_blank_values=True)
        elif kind == "auto_rerun":
            self.auto_reruns[message.auto_rerun.fragment_id] = message.auto_rerun.interval
        elif kind == "delta" and run is not None:
            run.last_delta = now
            self._delta(run, message)
        elif kind == "script_finished" and run is not None:
            if message.script_finished in DONE:
                self._finished(run, message.script_finished, now)

    def _delta(self, run: Run, message: ForwardMsg) -> None:
        if message.delta.WhichOneof("type") != "new_element":
            return
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        path = tuple(message.metadata.delta_path)
        item = Element(path, kind, getattr(element, kind), message.metadata.active_script_hash,
                       element.SerializeToString(deterministic=True), message.delta.fragment_id)
        run.elements[path] = item
        if kind == "plotly_chart" and run.first_chart is None:
            run.first_chart = time.perf_counter()
        widget_id = getattr(item.proto, "id", "") if hasattr(item.proto, "form_id") else ""  # widgets have both
        if widget_id:
            self.widgets[widget_id] = item
            if kind in WIDGETS and not item.proto.form_id and widget_id not in self.states:
                state = initial_state(item)
                if state is not None:
                    self.states[widget_id] = state

    def _finished(self, run: Run, status: int, now: float) -> None:
        run.finished, run.status, run.page_hash = now, status, self.page_hash
        if status == FINISHED.FINISHED_SUCCESSFULLY:
            self.last = run
            seen = {getattr(e.proto, "id", "") for e in run.elements.values()}
            self.widgets = {i: w for i, w in self.widgets.items() if i in seen}
            self.states = {i: s for i, s in self.states.items() if i in seen}
        self.finished_runs += 1
        self.cache = {h: (m, used) for h, (m, used) in self.cache.items()
                      if self.finished_runs - used <= self.max_cache_age}
        if self.done is not None and not self.done.done():
            self.done.set_result(run)

    def _fail(self, reason: str) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(Disconnected(reason))

    # --- what a person does ---------------------------------------------------------------

    def widget(self, name: str) -> Element:
        """A widget of the last run by its URL parameter, its label or the end of its id (its key)."""
        for element in self.widgets.values():
            proto = element.proto
            if name in (getattr(proto, "query_param_key", None), getattr(proto, "label", None)) \
                    or proto.id.endswith(f"-{name}"):
                return element
        raise KeyError(f"no widget {name!r} on {self.path or 'the default page'} "
                       f"(widgets: {[getattr(w.proto, 'label', w.kind) for w in self.widgets.values()]})")

    async def set_widget(self, name: str, value) -> Run:
        """Change a widget as a person would (a multiselect takes a list of option labels) and rerun."""
        element = self.widget(name)
        state = make_state(element, value)
        self.states[element.proto.id] = state
        key = getattr(element.proto, "query_param_key", "")
        if key:
            self._set_param(key, element, value)
        return await self.rerun(kind=f"widget:{name}")

    def _set_param(self, key: str, element: Element, value) -> None:
        default = default_value(element)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        kept = [(k, v) for k, v in self.query if k != key]
        if (list(value) if isinstance(value, (list, tuple)) else value) != default:
            kept += [(key, str(v)) for v in values]
        self.query = kept

    async def switch_page(self, path: str) -> Run:
        """Click a page in the menu: the sidebar's widget values and their URL parameters go along."""
        target = self.pages.get(path.strip("/"))
        if target is None:
            raise KeyError(f"no page {path!r} (pages: {sorted(self.pages)})")
        keep = {i for i, w in self.widgets.items() if w.script_hash == self.main_script_hash}
        bound = {getattr(self.widgets[i].proto, "query_param_key", "") for i in keep} - {""}
        self.query = [(k, v) for k, v in self.query if k in bound]
        self.path = path.strip("/")
        return await self.rerun(kind="page", page_hash=target, widget_ids=keep)

    async def fragment_tick(self) -> Run | None:
        """One auto-rerun of each `st.fragment(run_every=...)` on the page (what the frontend's timer sends)."""
        run = None
        for fragment_id in list(self.auto_reruns):
            run = await self.rerun(kind="tick", fragment_id=fragment_id, auto=True)
        return run


def initial_state(element: Element) -> WidgetState | None:
    """The value the frontend registers for a widget when it mounts (its shown value)."""
    value = shown_value(element)
    return None if value is None else make_state(element, value)


def shown_value(element: Element):
    proto, kind = element.proto, element.kind
    if kind == "multiselect":
        return list(proto.raw_values) if proto.set_value else [proto.options[i] for i in proto.default]
    if kind in ("radio", "selectbox"):
        if proto.set_value:
            return proto.raw_value if proto.HasField("raw_value") else None
        return proto.options[proto.default] if proto.HasField("default") and proto.options else None
    if kind == "checkbox":
        return proto.value if proto.set_value else proto.default
    return None


def default_value(element: Element):
    proto, kind = element.proto, element.kind
    if kind == "multiselect":
        return [proto.options[i] for i in proto.default]
    if kind in ("radio", "selectbox"):
        return proto.options[proto.default] if proto.HasField("default") and proto.options else None
    return getattr(proto, "default", None)


def make_state(element: Element, value) -> WidgetState:
    state = WidgetState(id=element.proto.id)
    kind = element.kind
    if kind == "multiselect":
        state.string_array_value.data.extend(str(v) for v in value)
    elif kind in ("radio", "selectbox"):
        state.string_value = str(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "number_input":
        state.double_value = float(value)
    elif kind == "button_group":  # st.segmented_control / st.pills: the chosen options' labels
        state.string_array_value.data.extend(str(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
    elif kind == "button":
        state.trigger_value = bool(value)
    else:
        raise TypeError(f"setting a {kind} is not supported by the load generator")
    return state
