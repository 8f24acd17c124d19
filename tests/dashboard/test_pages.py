"""The dashboard's pages in AppTest: they render, follow the sidebar, restore a link's view,
survive bad links, and show every published figure with its n and interval.

Charts are read as Plotly JSON (`json.loads(at.get("plotly_chart")[i].proto.spec)`).
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from analysis.formatting import NBSP
from conftest import ROOT, match_item
from report import keys
from apptest_support import closed_expanders, open_expanders

PAGES = ["pages/oversikt.py", "pages/erfaringer.py", "pages/mulighetsrom.py", "pages/utforsk.py"]
ROLE_VALUES = ["Administrasjon", "Folkevalgte"]


def open_page(page: str | None = None, **params) -> AppTest:
    """Run the app with these URL parameters (lists repeat a parameter), then switch to `page`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def bars(chart: dict) -> list[dict]:
    return [trace for trace in chart["data"] if trace["type"] == "bar"]


def plotted(at: AppTest) -> list:
    """Every plotted number on the page, chart by chart (what a filter must change)."""
    return [[trace.get("x") or trace.get("y") for trace in bars(chart)] for chart in charts(at)]


def title(chart: dict) -> str:
    """The chart's title and subtitle as one line of text (wrapping undone)."""
    return chart["layout"]["title"]["text"].replace("<br>", " ")


def link_notices(at: AppTest) -> list[str]:
    """The notices about link values the app could not use."""
    return [info.value for info in at.info if info.icon == ":material/link_off:"]


def chart_for(at: AppTest, question: str) -> dict:
    (chart,) = [c for c in charts(at) if f"<b>{question}</b>" in title(c)]
    return chart


@pytest.fixture(scope="module")
def pages_by_default() -> dict[str, AppTest]:
    return {page: open_page(page) for page in PAGES}


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_provenance_note(pages_by_default, page):
    at = pages_by_default[page]
    assert not at.exception
    assert at.get("plotly_chart"), "every page has at least one chart"
    assert any("Rekonstruerte data" in warning.value for warning in at.warning)
    assert at.title[0].value


def test_sections_come_from_the_codebook(pages_by_default, bundled):
    for page, section in (("pages/erfaringer.py", "erfaringer"), ("pages/mulighetsrom.py", "mulighetsrom")):
        for item in bundled.ordered_items(section):
            if item.kind != "multi_select":
                assert chart_for(pages_by_default[page], item.question)
        headers = [h.value for h in pages_by_default[page].header]
        subsections = list(dict.fromkeys(i.subsection for i in bundled.ordered_items(section)))
        assert headers[:len(subsections)] == subsections


def test_every_published_figure_is_on_its_page_with_n_and_interval(pages_by_default, bundled, published):
    for figure in published:
        page = f"pages/{figure['section'].split('_')[0]}.py"
        item = bundled.items[match_item(bundled, figure)]
        chart = chart_for(pages_by_default[page], item.question)
        (trace,) = bars(chart)
        position = list(trace["y"]).index(figure["group"])
        assert trace["x"][position] == pytest.approx(float(figure["published_pct"])), figure["figure_id"]
        assert trace["error_x"]["array"][position] > 0 and trace["error_x"]["arrayminus"][position] > 0
        label = next(t for t in chart["data"] if t["type"] == "scatter")["text"][position]
        shown = figure["published_pct"].replace(".", ",") + f"{NBSP}%"
        assert shown in label and f"n = {figure['n']}" in label, figure["figure_id"]
        assert "Administrasjon" in trace["y"] and "Folkevalgte" in trace["y"]


def test_default_view_is_role_with_the_report_denominator(pages_by_default):
    at = pages_by_default["pages/erfaringer.py"]
    assert at.radio(key=keys.BREAKDOWN_KEY).value == ("rolle",)
    assert at.radio(key=keys.DENOMINATOR_KEY).value == "report"
    assert "Alle som svarte" in title(charts(at)[0])


@pytest.mark.parametrize("page", PAGES)
def test_municipality_filter_changes_the_numbers(pages_by_default, page):
    before = plotted(pages_by_default[page])
    at = open_page(page)
    at.multiselect(key="kommune").set_value(["Røyrvik"]).run()
    assert not at.exception
    after = plotted(at)
    assert after != before
    assert any("Røyrvik" in title(chart) or "Røyrvik" in json.dumps(chart["data"], ensure_ascii=False)
               for chart in charts(at))


def test_role_filter_and_breakdown_change_the_chart():
    at = open_page("pages/erfaringer.py")
    at.radio(key=keys.BREAKDOWN_KEY).set_value(("kommune", "rolle")).run()
    first = bars(charts(at)[0])
    assert [trace["name"] for trace in first] == ROLE_VALUES
    assert list(first[0]["y"]) == ["Grong", "Lierne", "Namsskogan", "Røyrvik"]
    at.multiselect(key="rolle").set_value(["Folkevalgte"]).run()
    assert [trace["name"] for trace in bars(charts(at)[0])] == ["Folkevalgte"]


def test_link_restores_the_view():
    params = {"kommune": ["Grong", "Lierne"], "inndeling": "Kommune × rolle", "nevner": "Av dem som tok stilling (uten «vet ikke»)",
              "visning": "Hele svarfordelingen"}
    at = open_page("pages/erfaringer.py", **params)
    assert at.multiselect(key="kommune").value == ["Grong", "Lierne"]
    assert at.radio(key=keys.BREAKDOWN_KEY).value == ("kommune", "rolle")
    assert at.radio(key=keys.DENOMINATOR_KEY).value == "substantive"
    assert at.radio(key=keys.DISPLAY_KEY).value == "distribution"
    chart = charts(at)[0]
    assert any(trace.get("xaxis") == "x2" for trace in bars(chart))  # "vet ikke" and blanks apart
    groups = {label.split("<br>")[0] for trace in bars(chart) for label in trace["y"]}
    assert groups == {f"{k} · {r}" for k in ("Grong", "Lierne") for r in ROLE_VALUES}
    assert "uten «vet ikke»" in title(chart)
    assert not link_notices(at), "a valid link gives no notice"


def test_explorer_link_restores_the_question(bundled):
    item = bundled.items["utfordring_styring"]
    at = open_page("pages/utforsk.py", sporsmal=item.label, inndeling="Kommune")
    assert at.selectbox(key=keys.EXPLORE_ITEM_KEY).value == item.id
    chart = charts(at)[0]
    assert "Styring og kontroll" in title(chart)
    assert list(bars(chart)[0]["y"]) == ["Grong", "Lierne", "Namsskogan", "Røyrvik"]


@pytest.mark.parametrize("params, widget, expected", [
    ({"kommune": "Oslo"}, ("multiselect", "kommune"), []),
    ({"kommune": ["Grong", "Oslo"]}, ("multiselect", "kommune"), ["Grong"]),
    ({"inndeling": "tull"}, ("radio", keys.BREAKDOWN_KEY), ("rolle",)),
    ({"visning": "3d"}, ("radio", keys.DISPLAY_KEY), "share"),
    ({"nevner": "alle"}, ("radio", keys.DENOMINATOR_KEY), "report"),
    ({"fokus": "Trondheim"}, ("selectbox", keys.FOCUS_KEY), None),
    ({"lang": "Deutsch"}, ("selectbox", keys.LANGUAGE_KEY), "nb"),
])
def test_bad_link_values_fall_back_with_a_notice(params, widget, expected):
    at = open_page(**params)  # the notice comes with the first run, on whatever page the link opens
    kind, key = widget
    assert getattr(at, kind)(key=key).value == expected
    notices = link_notices(at)
    assert len(notices) == 1 and ("Oslo" in notices[0] or list(params.values())[0] in notices[0]), notices
    at.switch_page("pages/erfaringer.py").run()
    assert not at.exception and charts(at), "the pages still work"
    assert not link_notices(at), "the notice is given once"


def test_bad_explorer_question_falls_back_with_a_notice(bundled):
    at = open_page()
    at.query_params[keys.EXPLORE_ITEM_KEY] = "Finnes ikke"
    at.switch_page("pages/utforsk.py").run()
    assert at.selectbox(key=keys.EXPLORE_ITEM_KEY).value == bundled.ordered_items()[0].id
    assert any("Finnes ikke" in notice for notice in link_notices(at))


def test_my_municipality_against_the_rest():
    at = open_page("pages/erfaringer.py", fokus="Røyrvik", inndeling="Totalt")
    trace = bars(charts(at)[0])[0]
    assert list(trace["y"]) == ["Røyrvik", "Resten av Indre Namdal"]
    at = open_page("pages/erfaringer.py", fokus="Røyrvik")  # with the default role breakdown
    first = bars(charts(at)[0])
    assert [t["name"] for t in first] == ROLE_VALUES and list(first[0]["y"]) == ["Røyrvik", "Resten av Indre Namdal"]


def test_denominator_changes_numbers_and_label(pages_by_default):
    at = open_page("pages/erfaringer.py", nevner="Av dem som tok stilling (uten «vet ikke»)")
    assert plotted(at) != plotted(pages_by_default["pages/erfaringer.py"])
    assert "tok stilling" in title(charts(at)[0])


def test_multi_select_top_five_per_municipality_and_overall(pages_by_default, bundled):
    at = pages_by_default["pages/mulighetsrom.py"]
    question = next(iter(bundled.question_groups("mulighetsrom")))
    top, overall = [c for c in charts(at) if question in title(c)]
    assert len(bars(top)) == len(bundled.breakdowns["kommune"].values)
    assert all(len(trace["y"]) == 5 for trace in bars(top))
    assert [trace["name"] for trace in bars(overall)] == ROLE_VALUES
    assert len(bars(overall)[0]["y"]) == len(bundled.question_groups()[question])


def test_english_interface():
    at = open_page("pages/erfaringer.py", lang="English")
    assert at.title[0].value == "Experiences"
    chart = charts(at)[0]
    assert chart["layout"]["separators"] == ".,"
    label = next(t for t in chart["data"] if t["type"] == "scatter")["text"][0]
    assert "%" in label and "," not in label.split("%")[0]


def test_language_switch_keeps_the_view_and_gives_no_notice():
    at = open_page("pages/erfaringer.py", inndeling="Kommune")
    at.selectbox(key=keys.LANGUAGE_KEY).set_value("en").run()
    assert not at.exception
    assert at.radio(key=keys.BREAKDOWN_KEY).value == ("kommune",)
    assert at.title[0].value == "Experiences"
    assert not link_notices(at)


def test_overview_numbers(pages_by_default):
    at = pages_by_default["pages/oversikt.py"]
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics == {"Invitert": "126", "Svarte": "93", "Svarprosent": f"73,8{NBSP}%"}
    chart = charts(at)[0]
    assert sum(sum(trace["y"]) for trace in bars(chart)) == 93


def test_every_chart_has_a_table_and_a_csv(pages_by_default):
    for page, at in pages_by_default.items():
        at = open_expanders(open_page(page))
        downloads = at.get("download_button")
        assert len(downloads) >= len(at.get("plotly_chart")), page


def test_a_charts_table_is_made_when_its_expander_is_opened():
    """A section page's tables and their downloads are built on demand (issue 17's lighter page):
    closed, the page offers only its own two files; opening one chart's expander adds its table
    and its four files; it stays open when a filter changes."""
    at = open_page("pages/erfaringer.py")
    closed = closed_expanders(at)
    assert len(closed) > len(at.get("plotly_chart")) - 1 > 0
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Presentasjon (PPTX)", "Alle tabeller (XLSX)"]
    tables = len(at.table)
    first = next(key for key in closed if key.endswith("-share"))
    at.session_state[first] = True
    at.run()
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels[2:] == ["Last ned CSV", "Excel (XLSX)", "Bilde (PNG)", "Vektorbilde (SVG)"]
    assert len(at.table) == tables + 1
    at.sidebar.multiselect[0].set_value(["Grong"]).run()
    assert not at.exception and len(at.get("download_button")) == 6 and first not in closed_expanders(at)
