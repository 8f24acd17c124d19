"""The one string catalogue: every sentence a user can see, in bokmål and English.

Bokmål (`nb`) is the default. Keys are dotted names grouped by where they are used
(`problem.*` for validation, `ui.*` for the dashboard, `cli.*` for the command line).
A test checks that both languages hold the same keys and the same placeholders.
"""

from __future__ import annotations

from string import Formatter

DEFAULT_LANGUAGE = "nb"
LANGUAGES = {"nb": "Norsk (bokmål)", "en": "English"}

NB: dict[str, str] = {
    # --- validation problems (analysis.load) ---
    "problem.loc.sheet": "ark «{sheet}»",
    "problem.loc.row": "rad {row}",
    "problem.loc.column": "kolonne «{column}»",
    "problem.file_not_found": "fila finnes ikke",
    "problem.not_a_workbook": "fila er ikke en Excel-arbeidsbok (.xlsx) som kan leses: {detail}",
    "problem.missing_sheet": "arket «{expected}» mangler (arbeidsboka har: {found})",
    "problem.empty_sheet": "arket er tomt",
    "problem.missing_codebook_field": "kodeboka mangler kolonnen «{expected}»",
    "problem.codebook_invalid": "ugyldig kodebokrad: {detail}",
    "problem.duplicate_codebook_column": "kolonnen «{value}» er beskrevet mer enn én gang i kodeboka",
    "problem.codebook_without_data": "kodeboka beskriver kolonnen «{value}», men den finnes ikke i svarene",
    "problem.data_without_codebook": "kolonnen «{value}» i svarene er ikke beskrevet i kodeboka",
    "problem.no_id_column": "kodeboka må ha nøyaktig én kolonne av typen «id» (fant {count})",
    "problem.no_breakdowns": "kodeboka har ingen bakgrunnsvariabel (type «breakdown»)",
    "problem.no_items": "kodeboka har ingen spørsmål å analysere (likert, yes_no eller multi_select)",
    "problem.missing_scale": "svarskalaen mangler for en kolonne av typen «{kind}»",
    "problem.missing_measure": "målet (measure) mangler for et spørsmål",
    "problem.measure_kind_mismatch": "målet «{measure}» passer ikke til typen «{kind}»",
    "problem.scale_too_short": "svarskalaen har for få kategorier for målet «{measure}»",
    "problem.dont_know_not_in_scale": "«vet ikke»-kategorien «{value}» står ikke i svarskalaen",
    "problem.duplicate_scale_label": "svarskalaen har kategorien «{value}» mer enn én gang",
    "problem.missing_section": "seksjon (section) mangler for et spørsmål",
    "problem.blank_id": "respondent-ID mangler",
    "problem.duplicate_id": "respondent-ID «{value}» finnes flere ganger (også i rad {other_row})",
    "problem.unknown_label": "ukjent svar «{value}»; tillatte svar: {allowed}",
    "problem.unknown_label_suggest": "ukjent svar «{value}» — mente du «{suggestion}»? Tillatte svar: {allowed}",
    "problem.blank_breakdown": "bakgrunnsvariabelen mangler verdi",
    "problem.bad_multi_select": "flervalgsfelt må være 0 eller 1, fant «{value}»",
    "problem.formula_cell": "cellen inneholder en formel («{value}»); lagre verdier, ikke formler",
    "problem.missing_meta_key": "metadata mangler nøkkelen «{expected}»",
    "problem.bad_meta_number": "«{key}» må være et heltall, fant «{value}»",
    "problem.meta_not_key_value": "metadata-arket må ha kolonnene «key» og «value»",
    "problem.empty_column": "kolonnen er tom i alle rader",
    "problem.rare_breakdown_value": "verdien «{value}» forekommer bare én gang",
    "problem.unused_breakdown_value": "verdien «{value}» i skalaen forekommer ikke i svarene",
    "problem.no_respondents": "arket har ingen respondentrader",
    "problem.invited_too_low": "antall inviterte ({invited}) er lavere enn antall svar ({answered})",
    "problem.too_large": "fila er {size_mb} MB; største tillatte opplasting er {limit_mb} MB",
    "problem.empty_file": "fila er tom",
    "problem.zip_bomb": "fila pakkes ut til langt mer enn den fyller ({detail}) og avvises av sikkerhetshensyn",
    "problem.xml_entities": "fila inneholder XML-entitetsdeklarasjoner ({detail}) og avvises av sikkerhetshensyn",
    "problem.too_many_rows": "{rows} rader er flere enn grensen på {limit}",
    "problem.too_many_columns": "{columns} kolonner er flere enn grensen på {limit}",
    "problem.not_utf8": "CSV-fila er ikke UTF-8 (første ugyldige byte ved posisjon {position}); lagre den som «CSV UTF-8» og prøv igjen",
    "problem.old_excel": "«{name}» er en gammel Excel-fil (.xls) eller en kryptert arbeidsbok; lagre den som .xlsx uten passord",
    "problem.csv_needs_codebook": "«{name}» er en CSV-fil; last opp svarene og kodeboka sammen (to CSV-filer), eller en .xlsx-arbeidsbok",
    "problem.unknown_format": "«{name}» er verken en .xlsx-arbeidsbok, CSV eller en SPSS .sav-fil",
    "problem.unreadable": "fila kunne ikke leses: {detail}",
    "problem.csv_set_names": "CSV-filene må hete noe med «responses» og «codebook» (og eventuelt «meta»); fikk: {names}",
    "problem.no_meta_csv": "ingen meta-CSV; tittel settes fra filnavnet",
    "problem.sav_inferred": "typen «{kind}» er gjettet fra SPSS-verdietikettene; kontroller kodeboka",
    # --- command line ---
    "cli.valid": "OK: {source}: {respondents} respondenter, {items} spørsmål, {breakdowns} bakgrunnsvariabler",
    "cli.invalid": "{source}: {count} problem(er) — fila kan ikke brukes:",
    "cli.warnings": "{count} advarsel(er):",
    "cli.unknown_breakdown": "ukjent bakgrunnsvariabel «{value}»; tilgjengelige: {allowed}",
    "cli.suppressed": "færre enn {k} svar",
    # --- denominators and measures ---
    "denominator.report": "Alle som svarte (inkl. «vet ikke»)",
    "denominator.substantive": "Av dem som tok stilling (uten «vet ikke»)",
    "group.total": "Alle",
    "group.rest": "Resten av {region}",
    "group.rest_default": "resten",
}

EN: dict[str, str] = {
    "problem.loc.sheet": "sheet “{sheet}”",
    "problem.loc.row": "row {row}",
    "problem.loc.column": "column “{column}”",
    "problem.file_not_found": "the file does not exist",
    "problem.not_a_workbook": "the file is not a readable Excel workbook (.xlsx): {detail}",
    "problem.missing_sheet": "the sheet “{expected}” is missing (the workbook has: {found})",
    "problem.empty_sheet": "the sheet is empty",
    "problem.missing_codebook_field": "the codebook lacks the column “{expected}”",
    "problem.codebook_invalid": "invalid codebook row: {detail}",
    "problem.duplicate_codebook_column": "the column “{value}” is described more than once in the codebook",
    "problem.codebook_without_data": "the codebook describes the column “{value}”, but it is not in the responses",
    "problem.data_without_codebook": "the column “{value}” in the responses is not described in the codebook",
    "problem.no_id_column": "the codebook needs exactly one column of kind “id” (found {count})",
    "problem.no_breakdowns": "the codebook has no grouping variable (kind “breakdown”)",
    "problem.no_items": "the codebook has no question to analyse (likert, yes_no or multi_select)",
    "problem.missing_scale": "the answer scale is missing for a column of kind “{kind}”",
    "problem.missing_measure": "the measure is missing for a question",
    "problem.measure_kind_mismatch": "the measure “{measure}” does not fit the kind “{kind}”",
    "problem.scale_too_short": "the answer scale has too few categories for the measure “{measure}”",
    "problem.dont_know_not_in_scale": "the “don't know” label “{value}” is not in the answer scale",
    "problem.duplicate_scale_label": "the answer scale lists “{value}” more than once",
    "problem.missing_section": "the section is missing for a question",
    "problem.blank_id": "the respondent id is missing",
    "problem.duplicate_id": "the respondent id “{value}” occurs more than once (also in row {other_row})",
    "problem.unknown_label": "unknown answer “{value}”; allowed answers: {allowed}",
    "problem.unknown_label_suggest": "unknown answer “{value}” — did you mean “{suggestion}”? Allowed answers: {allowed}",
    "problem.blank_breakdown": "the grouping variable has no value",
    "problem.bad_multi_select": "multi-select cells must be 0 or 1, found “{value}”",
    "problem.formula_cell": "the cell holds a formula (“{value}”); save values, not formulas",
    "problem.missing_meta_key": "the metadata lack the key “{expected}”",
    "problem.bad_meta_number": "“{key}” must be a whole number, found “{value}”",
    "problem.meta_not_key_value": "the meta sheet must have the columns “key” and “value”",
    "problem.empty_column": "the column is empty in every row",
    "problem.rare_breakdown_value": "the value “{value}” occurs only once",
    "problem.unused_breakdown_value": "the value “{value}” in the scale does not occur in the responses",
    "problem.no_respondents": "the sheet has no respondent rows",
    "problem.invited_too_low": "the number invited ({invited}) is lower than the number of responses ({answered})",
    "problem.too_large": "the file is {size_mb} MB; the largest upload allowed is {limit_mb} MB",
    "problem.empty_file": "the file is empty",
    "problem.zip_bomb": "the file unpacks to far more than its size ({detail}) and is refused for safety",
    "problem.xml_entities": "the file contains XML entity declarations ({detail}) and is refused for safety",
    "problem.too_many_rows": "{rows} rows exceed the limit of {limit}",
    "problem.too_many_columns": "{columns} columns exceed the limit of {limit}",
    "problem.not_utf8": "the CSV file is not UTF-8 (first invalid byte at position {position}); save it as “CSV UTF-8” and try again",
    "problem.old_excel": "“{name}” is an old Excel file (.xls) or an encrypted workbook; save it as .xlsx without a password",
    "problem.csv_needs_codebook": "“{name}” is a CSV file; upload the responses and the codebook together (two CSV files), or an .xlsx workbook",
    "problem.unknown_format": "“{name}” is neither an .xlsx workbook, CSV nor an SPSS .sav file",
    "problem.unreadable": "the file could not be read: {detail}",
    "problem.csv_set_names": "the CSV files must be named with “responses” and “codebook” (and optionally “meta”); got: {names}",
    "problem.no_meta_csv": "no meta CSV; the title is taken from the file name",
    "problem.sav_inferred": "the kind “{kind}” was guessed from the SPSS value labels; check the codebook",
    "cli.valid": "OK: {source}: {respondents} respondents, {items} questions, {breakdowns} grouping variables",
    "cli.invalid": "{source}: {count} problem(s) — the file cannot be used:",
    "cli.warnings": "{count} warning(s):",
    "cli.unknown_breakdown": "unknown grouping variable “{value}”; available: {allowed}",
    "cli.suppressed": "fewer than {k} answers",
    "denominator.report": "Everyone who answered (incl. “don't know”)",
    "denominator.substantive": "Of those who took a position (excl. “don't know”)",
    "group.total": "All",
    "group.rest": "Rest of {region}",
    "group.rest_default": "the rest",
}

CATALOGUE: dict[str, dict[str, str]] = {"nb": NB, "en": EN}


def register(language: str, strings: dict[str, str]) -> None:
    """Add strings to the catalogue (used by the dashboard's own string module)."""
    CATALOGUE[language].update(strings)


def t(key: str, language: str = DEFAULT_LANGUAGE, /, **params) -> str:
    """Look up `key` in `language` (falling back to bokmål) and fill in its placeholders.

    Placeholders missing from `params` are left visible rather than raising, so a wrong
    call shows as odd text in the interface, never as a traceback.
    """
    strings = CATALOGUE.get(language, NB)
    template = strings.get(key) or NB.get(key) or key
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    values = {name: params.get(name, "{" + name + "}") for name in names}
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}
