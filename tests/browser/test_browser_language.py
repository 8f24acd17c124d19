"""Every word in the chosen language, in Chromium (issue 15's language acceptance).

- In English, every page of the bundled survey — the section pages in both displays, Utforsk,
  Utvikling, Data, Prioriteringer, the workshop's facilitator (logged in), participant and
  projector pages, and presentation mode — shows no Norwegian text but names; in bokmål none of
  the English. The forbidden texts are derived from the data, never typed here: every catalogue
  string whose two languages differ (report.strings NB / EN) and every codebook and workshop
  text whose English (`*_en`) differs from its bokmål, cut into fragments at placeholders and
  punctuation; a fragment that also occurs in the other language's texts (a shared word, a
  name) is not evidence and is dropped. Names stay: the municipalities, the region, the
  workshop's group names. Every expander is opened first, except the Data page's copy of
  docs/data-format.md (English, quoting the bokmål data as examples). Text Streamlit draws in a canvas
  (st.dataframe cells) and attributes (aria-label) are not read; docs/i18n.md lists what
  stays English.
- `<html lang>` is `nb` / `en`.
- After switching the language in a session, "Min kommune mot resten" still reads "Ingen
  sammenligning" / "No comparison", and the server log has no Session State warning.
- A survey without English columns (tests/fixtures/school/skole_2024.xlsx) uploads in English
  with a notice per missing English column and shows its own (bokmål) texts on its page.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import quote

import pytest

from analysis.intake import load_workbook
from analysis.i18n import LANGUAGES
from browser_support import ARTIFACTS, EXCEPTION, MAIN, open_app, open_expanders, require_chromium, start_streamlit, stop_process, \
    wait_for_charts, wait_for_idle
from report.labels import section_title
from report.strings import EN, NB, t
from workshop.model import load_workshop
from workshop.store import WorkshopStore

pytest_plugins = ["browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

PIN = "2718"
SESSION = "Språktest"
SCHOOL = "tests/fixtures/school/skole_2024.xlsx"
SPLIT = re.compile(r"\{[^}]*\}|\*\*|`|[«»“”\"()\[\]:;·|=\n…]|\s[–—-]\s|\.\s|,\s")
WORDS = re.compile(r"[^\W\d_]+")


@pytest.fixture(scope="module")
def language_server(tmp_path_factory):
    require_chromium()
    data = tmp_path_factory.mktemp("language-var")
    process, url = start_streamlit(env={"WORKSHOP_FACILITATOR_PIN": PIN, "WORKSHOP_DATA_DIR": str(data),
                                        "WORKSHOP_DATABASE_URL": "", "WORKSHOP_REFRESH_SECONDS": ""},
                                   log_name="streamlit-language.log")
    store = WorkshopStore(f"sqlite:///{(data / 'workshop.sqlite3').resolve()}", facilitator_pin=PIN)
    groups = load_workshop().groups
    store.open_session(PIN, SESSION, groups)
    yield url, store, groups
    store.dispose()
    stop_process(process)


# ------------------------------------------------------------------------------ the texts


def text_pairs() -> list[tuple[str, str]]:
    """(bokmål, English) of everything a reader sees: the catalogue and the bundled data."""
    pairs = [(NB[key], EN[key]) for key in NB]
    survey = load_workbook()
    for item in survey.items.values():
        pairs += [(item.question, item.question_en or ""), (item.label, item.label_en or ""),
                  (item.subsection, item.subsection_en or ""), (item.measure_label, item.measure_text("en"))]
        pairs += list(zip(item.categories, item.categories_en))
    for breakdown in survey.breakdowns.values():
        pairs += [(breakdown.label, breakdown.label_en or ""), *zip(breakdown.values, breakdown.values_en)]
    for key in survey.meta:
        if not key.endswith("_en"):
            pairs.append((survey.meta_text(key, "nb"), survey.meta_text(key, "en")))
    workshop = load_workshop()
    areas = workshop.areas
    pairs += list(zip(areas["area"], areas["area_en"])) + list(zip(areas["sector"], areas["sector_en"]))
    pairs += [(workshop.text(key, "nb"), workshop.text(key, "en")) for key in workshop.meta if not key.endswith("_en")]
    return [(str(nb), str(en)) for nb, en in pairs if nb and en and str(nb) != str(en)]


def names() -> list[str]:
    """Proper nouns that read the same in both languages (the data's own)."""
    survey = load_workbook()
    unit = next(iter(survey.breakdowns.values()))
    return [*unit.values, survey.meta.get("region", ""), *load_workshop().groups, *LANGUAGES.values()]


def fragments(text: str) -> set[str]:
    out = set()
    for part in SPLIT.split(text):
        part = part.strip(" .,!?–—-/+%0123456789")
        if re.search(r"[_/@<>]|\.\w|%\w", part):  # a file name, a path, a code
            continue
        words = WORDS.findall(part)
        if words and sum(map(len, words)) >= 5:
            out.add(part)
    return out


@cache
def forbidden(language: str) -> re.Pattern:
    """The other language's fragments that never occur in this language's texts."""
    pairs = text_pairs()
    own = [en if language == "en" else nb for nb, en in pairs] + [EN[k] if language == "en" else NB[k] for k in NB]
    allowed = " \n ".join(own + names()).casefold()
    other = set().union(*(fragments(nb if language == "en" else en) for nb, en in pairs))
    kept = sorted((f for f in other if f.casefold() not in allowed), key=len, reverse=True)
    assert len(kept) > 200, "too few texts to check against: the catalogue or the data did not load"
    return re.compile("|".join(rf"(?<!\w){re.escape(f)}(?!\w)" for f in kept))


PAGE_TEXT = """(skip) => {
    for (const icon of document.querySelectorAll('[aria-hidden="true"][translate="no"]')) icon.style.display = 'none';  // icon ligatures
    for (const summary of document.querySelectorAll('[data-testid="stExpander"] summary')) {
        if (skip && summary.textContent.includes(skip)) summary.closest('[data-testid="stExpander"]').style.display = 'none';
    }
    const svg = Array.from(document.querySelectorAll('svg text')).map(
        e => Array.from(e.querySelectorAll('tspan')).map(s => s.textContent).join(' ') || e.textContent);
    const inputs = Array.from(document.querySelectorAll('input, textarea')).map(e => (e.placeholder || '') + ' ' + (e.value || ''));
    return [document.body.innerText, ...svg, ...inputs].join('\\n');
}"""


def wrong_words(page, language: str, group_names: list[str], skip: str = "") -> list[str]:
    text = page.evaluate(PAGE_TEXT, skip)
    for name in sorted(group_names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"\s+", " ", text)
    hits = sorted({match.group(0) for match in forbidden(language).finditer(text)})
    return hits


def pages(language: str, join_code: str, group: str) -> list[tuple[str, str]]:
    """(name, address) of every page, in the language (its URL values are labels in it)."""
    lang = f"lang={language}"
    distribution = quote(t("ui.display.distribution", language))
    group = quote(group)
    return [
        ("oversikt", f"/?{lang}"),
        ("erfaringer", f"/erfaringer?{lang}"),
        ("erfaringer-fordeling", f"/erfaringer?{lang}&visning={distribution}"),
        ("mulighetsrom", f"/mulighetsrom?{lang}"),
        ("mulighetsrom-fordeling", f"/mulighetsrom?{lang}&visning={distribution}"),
        ("utforsk", f"/utforsk?{lang}"),
        ("utvikling", f"/utvikling?{lang}"),
        ("data", f"/data?{lang}"),
        ("prioriteringer", f"/prioriteringer?{lang}"),
        ("verksted", f"/verksted?{lang}&kode={join_code}&gruppe={group}"),
        ("verksted_visning", f"/verksted_visning?{lang}&kode={join_code}"),
        ("presentasjon", f"/erfaringer?{lang}&presentasjon=1"),
        ("presentasjon-verksted", f"/verksted_visning?{lang}&kode={join_code}&presentasjon=1"),
    ]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_speaks_one_language(language_server, page, language):
    base, store, groups = language_server
    session = store.session(SESSION)
    problems = {}
    for name, address in pages(language, session.join_code, groups[0]):
        open_app(page, base + address)
        if page.locator(".js-plotly-plot").count() or name.startswith(("erfaringer", "mulighetsrom", "oversikt")):
            wait_for_charts(page)
        open_expanders(page, "")
        assert page.locator(EXCEPTION).count() == 0, name
        assert page.evaluate("document.documentElement.lang") == language, name
        # The format's description is docs/data-format.md itself (English, quoting bokmål examples).
        skip = t("ui.data.format_title", language)
        hits = wrong_words(page, language, groups, skip)
        if hits:
            problems[name] = hits
    # the facilitator, logged in
    open_app(page, f"{base}/verksted_fasilitator?lang={language}")
    page.get_by_label(t("ui.workshop.pin_label", language)).fill(PIN)
    page.get_by_role("button", name=t("ui.workshop.pin_button", language)).click()
    page.get_by_label(t("ui.workshop.session_name", language)).wait_for()
    wait_for_idle(page)
    open_expanders(page, "")
    assert page.evaluate("document.documentElement.lang") == language
    hits = wrong_words(page, language, groups)
    if hits:
        problems["verksted_fasilitator"] = hits
    page.screenshot(path=str(ARTIFACTS / f"language-{language}-facilitator.png"), full_page=True)
    assert not problems, f"text in the other language ({language} interface): {problems}"


def switch_language(page, language: str) -> None:
    """Choose the language in the sidebar's switch, as a person would (type and Enter)."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Språk").locator("input")
    box.click()
    box.fill(LANGUAGES[language])
    page.keyboard.press("Enter")


def test_language_switch_keeps_no_comparison_and_warns_nothing(language_server, page):
    base = language_server[0]
    open_app(page, f"{base}/erfaringer")
    focus = page.get_by_role("combobox", name=re.compile(r"^Min kommune mot resten"))
    assert focus.input_value() == t("ui.focus.none", "nb")
    switch_language(page, "en")
    page.locator(f"{MAIN} h1", has_text=t("ui.page.erfaringer.title", "en")).wait_for()
    wait_for_idle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    focus = page.get_by_role("combobox", name=re.compile(r"^My municipality"))
    shown = focus.input_value() or focus.get_attribute("placeholder")
    assert shown == t("ui.focus.none", "en")
    switch_language(page, "nb")
    page.locator(f"{MAIN} h1", has_text=t("ui.page.erfaringer.title", "nb")).wait_for()
    wait_for_idle(page)
    assert page.evaluate("document.documentElement.lang") == "nb"
    focus = page.get_by_role("combobox", name=re.compile(r"^Min kommune mot resten"))
    assert (focus.input_value() or focus.get_attribute("placeholder")) == t("ui.focus.none", "nb")
    assert "Choose an option" not in page.evaluate(PAGE_TEXT, "")
    log = (ARTIFACTS / "streamlit-language.log").read_text(encoding="utf-8")
    assert "Session State API" not in log, log[-2000:]


def test_streamlit_texts_in_bokmal(language_server, page):
    """The skip link and the uploader's own words are ours in bokmål (English in English)."""
    base = language_server[0]
    for language in LANGUAGES:
        open_app(page, f"{base}/data?lang={language}")
        assert page.get_by_test_id("stSkipToContent").text_content() == t("ui.streamlit.skip", language)
        uploader = page.get_by_test_id("stFileUploader").inner_text()
        assert t("ui.streamlit.upload", language) in uploader and t("ui.streamlit.per_file", language) in uploader
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([SCHOOL, "tests/fixtures/school/skole_2025.xlsx"])
    page.get_by_role("heading", name=t("ui.data.report_title", "en")).wait_for()
    wait_for_idle(page)
    open_app(page, f"{base}/data")  # bokmål: the uploaded files' "Clear all" is ours too
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([SCHOOL, "tests/fixtures/school/skole_2025.xlsx"])
    page.get_by_role("heading", name=t("ui.data.report_title", "nb")).wait_for()
    wait_for_idle(page)
    text = page.get_by_test_id("stFileUploader").inner_text()
    assert "Clear all" not in text and "Upload" not in text and " per file" not in text, text


def test_survey_without_english_works_in_english_with_a_notice(language_server, page):
    base = language_server[0]
    survey = load_workbook(SCHOOL)
    assert survey.english_gaps(), "the fixture should lack English"
    open_app(page, f"{base}/data?lang=en")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(SCHOOL)
    notice = t("problem.missing_english", "en", count=0, value="x").split(" in ")[0]  # "English text is missing"
    page.get_by_text(notice).first.wait_for()
    wait_for_idle(page)
    report = page.locator(MAIN).inner_text()
    for column in survey.english_gaps():
        assert column in report, column
    page.get_by_role("button", name=t("ui.data.use", "en")).click()
    page.get_by_text(t("ui.data.in_use", "en")).wait_for()
    wait_for_idle(page)
    item = survey.items[survey.english_gaps()["question_en"][0]]  # its wording has no English: shown as written
    page.get_by_role("link", name=section_title(item.section, "en", survey), exact=True).first.click()
    page.locator(f"{MAIN} h1", has_text=section_title(item.section, "en", survey)).wait_for()
    wait_for_charts(page)
    page.locator(".gtitle", has_text=" ".join(item.question.split()[:3])).first.wait_for()  # its chart, drawn
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator(EXCEPTION).count() == 0
    text = re.sub(r"\s+", " ", page.evaluate(PAGE_TEXT, ""))
    assert item.question in text
    assert t("ui.chart.share_of", "en", measure="").split("“")[0].strip() in text  # the interface is English
    assert t("ui.page.erfaringer.title", "nb") not in page.locator('[data-testid="stSidebarNav"]').inner_text()

