"""The units catalogue: names, spellings, conversion factors, labels and suggestions."""

from __future__ import annotations

import dataclasses
from itertools import permutations

import pytest

from casepub.clinical.units import (
    ANALYTES,
    UNITS,
    Analyte,
    accepted_units,
    convert,
    find_analyte,
    find_unit,
    suggest_analyte,
    suggest_unit,
    unit_label,
    value_bounds,
)
from casepub.model import Lang

CYRILLIC_CA_19_9 = "\u0421\u0410 19-9"  # С and А are Cyrillic
CYRILLIC_CEA = "\u0421\u0415\u0410"


def analyte(aid: str) -> Analyte:
    return ANALYTES[aid]


# Analytes -------------------------------------------------------------------------------


def test_every_required_analyte_is_catalogued() -> None:
    required = {
        "alt", "ast", "alp", "ggt", "bilirubin_total", "bilirubin_direct", "albumin",
        "total_protein", "creatinine", "urea", "hemoglobin", "platelets", "leukocytes",
        "neutrophils", "inr", "prothrombin", "chromogranin_a", "serotonin", "5_hiaa", "nse",
        "ca19_9", "cea", "ki67",
    }  # fmt: skip
    assert required <= set(ANALYTES)
    assert all(key == a.id for key, a in ANALYTES.items())


def test_kinds() -> None:
    markers = {"chromogranin_a", "serotonin", "5_hiaa", "nse", "ca19_9", "cea"}
    assert {a.id for a in ANALYTES.values() if a.kind == "marker"} == markers
    assert analyte("ki67").kind == "pathology"
    assert analyte("alt").kind == "lab"


@pytest.mark.parametrize(
    ("name", "aid"),
    [
        ("АЛТ", "alt"),
        ("ALT", "alt"),
        ("alt", "alt"),
        ("ALAT", "alt"),
        ("АлАТ", "alt"),
        ("SGPT", "alt"),
        ("аланинаминотрансфераза", "alt"),
        ("Alanine aminotransferase", "alt"),
        ("АСТ", "ast"),
        ("AST", "ast"),
        ("щелочная фосфатаза", "alp"),
        ("γ-ГТ", "ggt"),
        ("GGTP", "ggt"),
        ("Общий билирубин", "bilirubin_total"),
        ("билирубин общий", "bilirubin_total"),
        ("bilirubin_total", "bilirubin_total"),
        ("Прямой билирубин", "bilirubin_direct"),
        ("Total protein", "total_protein"),
        ("Креатинин", "creatinine"),
        ("BUN", "urea"),
        ("мочевина", "urea"),
        ("Hb", "hemoglobin"),
        ("тромбоциты", "platelets"),
        ("WBC", "leukocytes"),
        ("МНО", "inr"),
        ("INR", "inr"),
        ("протромбиновое время", "prothrombin"),
        ("Хромогранин А", "chromogranin_a"),
        ("Chromogranin A", "chromogranin_a"),
        ("хромогранин a", "chromogranin_a"),  # Latin a in a Russian name
        ("CgA", "chromogranin_a"),
        ("серотонин", "serotonin"),
        ("5-HIAA", "5_hiaa"),
        ("5-ОИУК", "5_hiaa"),
        ("5 hiaa", "5_hiaa"),
        ("НСЕ", "nse"),
        ("neuron-specific enolase", "nse"),
        ("CA 19-9", "ca19_9"),
        ("CA19-9", "ca19_9"),
        ("ca199", "ca19_9"),
        ("ca 19 9", "ca19_9"),
        (CYRILLIC_CA_19_9, "ca19_9"),
        ("РЭА", "cea"),
        ("CEA", "cea"),
        (CYRILLIC_CEA, "cea"),
        ("Ki-67", "ki67"),
        ("ki67", "ki67"),
        ("индекс Ki-67", "ki67"),
    ],
)
def test_find_analyte_by_any_name(name: str, aid: str) -> None:
    found = find_analyte(name)
    assert found is not None
    assert found.id == aid


@pytest.mark.parametrize("name", ["", "  ", "АЛТТ", "ferritin", "ца 19-9"])
def test_unknown_analytes(name: str) -> None:
    assert find_analyte(name) is None


def test_every_name_and_alias_finds_its_analyte() -> None:
    for a in ANALYTES.values():
        for name in (a.id, *a.names.values(), *a.aliases):
            assert find_analyte(name) is a, name


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("АЛТТ", "АЛТ"),
        ("bilirubn", "bilirubin"),
        ("Креатенин", "Креатинин"),
        ("CA 19-8", "CA 19-9"),
    ],
)
def test_suggest_analyte(typo: str, suggestion: str) -> None:
    assert suggest_analyte(typo) == suggestion


def test_no_suggestion_for_nonsense() -> None:
    assert suggest_analyte("qwertyuiop") is None
    assert suggest_analyte("") is None


def test_names_in_both_languages() -> None:
    assert dict(analyte("alt").names) == {"ru": "АЛТ", "en": "ALT"}
    assert dict(analyte("chromogranin_a").names) == {"ru": "Хромогранин А", "en": "Chromogranin A"}
    for a in ANALYTES.values():
        assert a.names["ru"] and a.names["en"], a.id


# Units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aid", "spelling", "uid"),
    [
        ("alt", "ед./л", "U/L"),
        ("alt", "Ед/л", "U/L"),
        ("alt", "ЕД/Л", "U/L"),
        ("alt", "МЕ/л", "U/L"),
        ("alt", "ME/л", "U/L"),  # Latin M and E
        ("alt", "U/L", "U/L"),
        ("alt", "U/l", "U/L"),
        ("alt", "IU/L", "U/L"),
        ("alt", " u / l ", "U/L"),
        ("alt", "µkat/L", "ukat/L"),
        ("alt", "μkat/L", "ukat/L"),  # Greek mu
        ("alt", "мккат/л", "ukat/L"),
        ("bilirubin_total", "мкмоль/л", "umol/L"),
        ("bilirubin_total", "µmol/L", "umol/L"),
        ("bilirubin_total", "umol/l", "umol/L"),
        ("bilirubin_total", "мг/дл", "mg/dL"),
        ("bilirubin_total", "mg/dL", "mg/dL"),
        ("creatinine", "мкмоль/л", "umol/L"),
        ("urea", "ммоль/л", "mmol/L"),
        ("urea", "mg/dl", "mg/dL"),
        ("albumin", "г/л", "g/L"),
        ("albumin", "г/дл", "g/dL"),
        ("hemoglobin", "g/dL", "g/dL"),
        ("hemoglobin", "г/л", "g/L"),
        ("platelets", "×10⁹/л", "10^9/L"),
        ("platelets", "10^9/л", "10^9/L"),
        ("platelets", "10*9/л", "10^9/L"),
        ("platelets", "10⁹/л", "10^9/L"),
        ("platelets", "x10^9/L", "10^9/L"),
        ("platelets", "х10*9/л", "10^9/L"),  # Cyrillic х
        ("platelets", "тыс/мкл", "10^9/L"),
        ("platelets", "тыс./мкл", "10^9/L"),
        ("leukocytes", "10^3/µL", "10^9/L"),
        ("leukocytes", "K/uL", "10^9/L"),
        ("erythrocytes", "×10¹²/л", "10^12/L"),
        ("neutrophils", "10^9/L", "10^9/L"),
        ("neutrophils", "%", "%"),
        ("inr", "", "ratio"),
        ("inr", "-", "ratio"),
        ("inr", "ед.", "ratio"),
        ("inr", "ratio", "ratio"),
        ("prothrombin", "с", "s"),
        ("prothrombin", "s", "s"),
        ("prothrombin", "сек", "s"),
        ("prothrombin", "%", "%"),
        ("ki67", "%", "%"),
        ("chromogranin_a", "нг/мл", "ng/mL"),
        ("chromogranin_a", "мкг/л", "ug/L"),
        ("chromogranin_a", "нмоль/л", "nmol/L"),
        ("serotonin", "нг/мл", "ng/mL"),
        ("serotonin", "мкмоль/л", "umol/L"),
        ("serotonin", "нмоль/л", "nmol/L"),
        ("5_hiaa", "мг/сут", "mg/24h"),
        ("5_hiaa", "mg/24 h", "mg/24h"),
        ("5_hiaa", "мкмоль/сут", "umol/24h"),
        ("nse", "нг/мл", "ng/mL"),
        ("ca19_9", "Ед/мл", "U/mL"),
        ("ca19_9", "U/mL", "U/mL"),
        ("ca19_9", "kU/L", "kU/L"),
        ("cea", "ng/mL", "ng/mL"),
    ],
)
def test_find_unit_for_analyte(aid: str, spelling: str, uid: str) -> None:
    unit = find_unit(analyte(aid), spelling)
    assert unit is not None, spelling
    assert unit.id == uid
    assert suggest_unit(analyte(aid), spelling) is None


@pytest.mark.parametrize(
    ("aid", "spelling"),
    [
        ("alt", "мкмоль/л"),
        ("alt", "ммоль/л"),
        ("alt", "mg/dL"),
        ("alt", ""),
        ("bilirubin_total", "U/L"),
        ("bilirubin_total", "г/л"),
        ("creatinine", "g/L"),
        ("platelets", "109/л"),  # lost superscript: ambiguous, rejected
        ("platelets", "%"),
        ("hemoglobin", "ммоль/л"),
        ("inr", "%"),
        ("inr", "s"),
        ("prothrombin", ""),
        ("ki67", "U/L"),
        ("chromogranin_a", "пмоль/л"),
        ("cea", "U/mL"),
        ("ca19_9", "ng/mL"),
        ("5_hiaa", "мг/л"),
        ("alt", "furlongs"),
    ],
)
def test_find_unit_rejects_units_of_other_analytes(aid: str, spelling: str) -> None:
    assert find_unit(analyte(aid), spelling) is None
    hint = suggest_unit(analyte(aid), spelling)
    assert hint is not None
    assert hint.startswith(("expected", "did you mean"))


def test_suggest_unit_names_the_accepted_units() -> None:
    assert suggest_unit(analyte("alt"), "ммоль/л") == "expected U/L or µkat/L"
    assert suggest_unit(analyte("inr"), "%") == "expected no unit (`-`)"
    hint = suggest_unit(analyte("serotonin"), "г/л")
    assert hint == "expected one of nmol/L, µmol/L, ng/mL, µg/L"


def test_suggest_unit_offers_the_closest_spelling() -> None:
    assert suggest_unit(analyte("alt"), "Ед/лл") == "did you mean `ед./л`? expected U/L or µkat/L"
    hint = suggest_unit(analyte("platelets"), "109/л")
    assert hint is not None
    assert hint.startswith("did you mean `×\u00a010⁹/л`?")


def test_every_spelling_of_every_accepted_unit_is_found() -> None:
    for a in ANALYTES.values():
        for unit in accepted_units(a):
            for spelling in (unit.id, *unit.labels.values(), *unit.aliases):
                assert find_unit(a, spelling) is unit, (a.id, spelling)


def test_accepted_units_put_the_si_unit_first() -> None:
    assert [u.id for u in accepted_units(analyte("alt"))] == ["U/L", "ukat/L"]
    assert [u.id for u in accepted_units(analyte("prothrombin"))] == ["s", "%"]
    for a in ANALYTES.values():
        assert accepted_units(a)[0].id == a.si_unit


# Conversions ----------------------------------------------------------------------------


def test_catalogue_is_consistent() -> None:
    for a in ANALYTES.values():
        assert a.factors[a.si_unit] == 1.0
        assert set(a.factors) <= set(UNITS)
        assert set(a.other_units) <= set(UNITS)
        assert not set(a.factors) & set(a.other_units)
        assert all(f > 0 for f in a.factors.values())
    assert all(uid.isascii() for uid in UNITS)


@pytest.mark.parametrize("aid", sorted(ANALYTES))
def test_every_factor_round_trips(aid: str) -> None:
    a = analyte(aid)
    for uid, factor in a.factors.items():
        assert convert(1.0, a, uid, a.si_unit) == pytest.approx(factor)
        assert convert(factor, a, a.si_unit, uid) == pytest.approx(1.0)
    for source, target in permutations(a.factors, 2):
        there = convert(123.4, a, source, target)
        assert convert(there, a, target, source) == pytest.approx(123.4)


@pytest.mark.parametrize(
    ("aid", "value", "source", "target", "expected"),
    [
        ("bilirubin_total", 1, "mg/dL", "umol/L", 17.1),
        ("bilirubin_direct", 1, "мг/дл", "мкмоль/л", 17.1),
        ("creatinine", 1, "mg/dL", "umol/L", 88.4),
        ("urea", 14, "mg/dL", "mmol/L", 4.998),
        ("albumin", 3.5, "g/dL", "g/L", 35),
        ("total_protein", 70, "g/L", "g/dL", 7),
        ("hemoglobin", 12.5, "g/dL", "g/L", 125),
        ("alt", 1, "µkat/L", "U/L", 60),
        ("alt", 208, "U/L", "ukat/L", 208 / 60),
        ("serotonin", 100, "ng/mL", "nmol/L", 568),
        ("serotonin", 100, "ng/mL", "umol/L", 0.568),
        ("serotonin", 1, "ug/L", "ng/mL", 1),
        ("5_hiaa", 10, "mg/24h", "umol/24h", 52.3),
        ("chromogranin_a", 85, "ng/mL", "ug/L", 85),
        ("nse", 12, "нг/мл", "мкг/л", 12),
        ("cea", 3, "ng/mL", "ug/L", 3),
        ("ca19_9", 37, "U/mL", "kU/L", 37),
        ("platelets", 250, "тыс/мкл", "10^9/L", 250),
    ],
)
def test_known_conversions(
    aid: str, value: float, source: str, target: str, expected: float
) -> None:
    assert convert(value, analyte(aid), source, target) == pytest.approx(expected)


def test_bilirubin_back_to_mg_per_dl() -> None:
    assert round(convert(32.5, analyte("bilirubin_total"), "umol/L", "mg/dL"), 2) == 1.90


def test_same_unit_converts_to_itself_even_without_factor() -> None:
    assert convert(85, analyte("prothrombin"), "%", "%") == 85
    assert convert(1.2, analyte("inr"), "", "ratio") == 1.2


@pytest.mark.parametrize(
    ("aid", "source", "target"),
    [
        ("prothrombin", "s", "%"),
        ("prothrombin", "%", "s"),
        ("neutrophils", "%", "10^9/L"),
        ("chromogranin_a", "nmol/L", "ng/mL"),
        ("chromogranin_a", "U/L", "ug/L"),
        ("alt", "U/L", "mg/dL"),
        ("inr", "ratio", "%"),
        ("bilirubin_total", "umol/L", "furlongs"),
    ],
)
def test_convert_refuses_undefined_conversions(aid: str, source: str, target: str) -> None:
    with pytest.raises(ValueError, match=analyte(aid).names["en"]):
        convert(1.0, analyte(aid), source, target)


# Labels and bounds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uid", "lang", "label"),
    [
        ("U/L", "ru", "ед./л"),
        ("U/L", "en", "U/L"),
        ("umol/L", "ru", "мкмоль/л"),
        ("umol/L", "en", "µmol/L"),
        ("10^9/L", "ru", "×\u00a010⁹/л"),  # "2,0 × 10⁹/л", no line break inside
        ("10^9/L", "en", "×\u00a010⁹/L"),
        ("g/L", "ru", "г/л"),
        ("ng/mL", "ru", "нг/мл"),
        ("ng/mL", "en", "ng/mL"),
        ("s", "ru", "с"),
        ("s", "en", "s"),
        ("mg/24h", "ru", "мг/сут"),
        ("%", "en", "%"),
        ("ratio", "ru", ""),
        ("ratio", "en", ""),
    ],
)
def test_unit_labels(uid: str, lang: Lang, label: str) -> None:
    assert unit_label(uid, lang) == label


def test_every_unit_has_both_labels() -> None:
    for unit in UNITS.values():
        assert set(unit.labels) == {"ru", "en"}
        assert unit.id == "ratio" or (unit.labels["ru"] and unit.labels["en"])


def test_unknown_unit_label() -> None:
    with pytest.raises(KeyError):
        unit_label("furlongs", "en")


def test_value_bounds() -> None:
    assert value_bounds(analyte("ki67"), "%") == (0.0, 100.0)
    assert value_bounds(analyte("neutrophils"), "%") == (0.0, 100.0)
    assert value_bounds(analyte("neutrophils"), "10^9/L") == (0.0, None)
    assert value_bounds(analyte("prothrombin"), "%") == (0.0, None)  # Quick % may exceed 100
    assert value_bounds(analyte("bilirubin_total"), "mg/dL") == (0.0, None)
    assert all(a.value_min == 0.0 for a in ANALYTES.values())
    with pytest.raises(ValueError):
        value_bounds(analyte("alt"), "%")


# Immutability ---------------------------------------------------------------------------


def test_catalogue_is_immutable() -> None:
    alt = analyte("alt")
    with pytest.raises(TypeError):
        ANALYTES["x"] = alt  # type: ignore[index]
    with pytest.raises(TypeError):
        alt.factors["mg/dL"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        alt.names["ru"] = "x"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        alt.si_unit = "g/L"  # type: ignore[misc]
    assert isinstance(alt.aliases, tuple)
    assert len({alt, analyte("alt"), analyte("ast")}) == 2
    assert hash(UNITS["U/L"]) == hash(UNITS["U/L"])
