"""The units catalogue: lab analytes and tumour markers, their units, spellings and conversions.

Two tables — ``UNITS`` and ``ANALYTES`` — and small functions to look names up, suggest the
nearest one and convert values. A unit spelling is matched ignoring case, spaces and dots,
Latin/Cyrillic look-alike letters (``МЕ/л`` = ``ME/л``), ``µ``/``μ``/``u``/``мк`` and the ways
of writing a power of ten (``10^9``, ``10*9``, ``10⁹``, ``×10⁹``); an analyte name ignoring
case, look-alike letters and everything but letters and digits (``СА 19-9`` = ``ca199``).

Conversion factors are those of the AMA Manual of Style "SI conversion" table
unless a comment says otherwise. Units that measure another quantity than the analyte's SI
unit (neutrophils in %, prothrombin time in s next to Quick %) or that have no agreed factor
(chromogranin A in nmol/L or U/L, assay-specific) are accepted as ``other_units``: values in
them are checked and plotted as given but never converted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, TypeVar

from casepub.model.common import Lang

Kind = Literal["lab", "marker", "pathology"]
Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class Unit:
    """A unit of measurement with its printed labels and accepted spellings."""

    id: str
    """Canonical ASCII id, e.g. ``umol/L``."""
    labels: Mapping[Lang, str] = field(hash=False)
    """How it prints per language; empty for the unitless ``ratio``."""
    aliases: tuple[str, ...]
    """Further accepted spellings (the id and the labels are accepted too)."""

    def __reduce__(self) -> tuple[Callable[[str], Unit], tuple[str]]:
        """Pickled by id (every unit is the catalogue's), so a record can go to the chart
        worker process, which gets the very same object."""
        return (_catalogue_unit, (self.id,))


@dataclass(frozen=True)
class Analyte:
    """A lab analyte, tumour marker or pathology index and the units it may be given in."""

    id: str
    """Stable ASCII id, e.g. ``bilirubin_total``."""
    names: Mapping[Lang, str] = field(hash=False)
    """Name as printed per language."""
    aliases: tuple[str, ...]
    """Further accepted names, Russian and English, abbreviations and full names."""
    kind: Kind
    """``lab``, tumour ``marker`` or ``pathology`` (Ki-67)."""
    si_unit: str
    """``Unit.id`` of the SI or preferred unit."""
    factors: Mapping[str, float] = field(hash=False)
    """``Unit.id`` → factor converting a value in that unit to ``si_unit`` (1.0 for itself)."""
    value_min: float | None
    """Smallest possible value in ``si_unit`` (any unit in ``factors``: 0 scales to 0)."""
    value_max: float | None
    """Largest possible value in ``si_unit``, or None."""
    other_units: Mapping[str, Bounds] = field(hash=False)
    """Units accepted without any conversion (another quantity), each with (min, max)."""

    def __reduce__(self) -> tuple[Callable[[str], Analyte], tuple[str]]:
        """Pickled by id, as units are."""
        return (_catalogue_analyte, (self.id,))


# Unit spellings ---------------------------------------------------------------------------

_LOOKALIKES = str.maketrans("авекмнорстухё", "abekmhopctyxe")
"""Cyrillic letters that look like Latin ones (after casefold), mapped to those."""
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_POWER_OF_TEN = re.compile(r"^[x×*]?10(?:\^|\*\*|\*|e)(\d+)")
_IGNORED_IN_UNITS = re.compile(r"[\s.]")


def _unit_key(spelling: str) -> str:
    """The form in which unit spellings are compared."""
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT_DIGITS), spelling)
    text = text.casefold().replace("µ", "u").replace("μ", "u").replace("мк", "u")
    text = _IGNORED_IN_UNITS.sub("", text.translate(_LOOKALIKES))
    return _POWER_OF_TEN.sub(r"10^\1", text)


def _name_key(name: str) -> str:
    """The form in which analyte names are compared: letters and digits only."""
    return "".join(ch for ch in name.casefold().translate(_LOOKALIKES) if ch.isalnum())


def _unit(uid: str, ru: str, en: str, *aliases: str) -> Unit:
    return Unit(uid, MappingProxyType({"ru": ru, "en": en}), aliases)


_UNIT_TABLE = (
    # Enzyme activity. 1 U = 1 µmol/min; 1 µkat = 1 µmol/s = 60 U.
    _unit("U/L", "ед./л", "U/L", "IU/L", "Ед/л", "МЕ/л", "Е/л", "mU/mL"),
    _unit("ukat/L", "мккат/л", "µkat/L"),
    # Substance and mass concentrations.
    _unit("umol/L", "мкмоль/л", "µmol/L", "micromol/L"),
    _unit("mmol/L", "ммоль/л", "mmol/L"),
    _unit("nmol/L", "нмоль/л", "nmol/L"),
    _unit("pmol/L", "пмоль/л", "pmol/L"),
    _unit("mg/dL", "мг/дл", "mg/dL", "mg%", "мг%", "mg/100 mL", "мг/100 мл"),
    _unit("g/dL", "г/дл", "g/dL", "g%", "г%", "g/100 mL", "г/100 мл"),
    _unit("g/L", "г/л", "g/L"),
    _unit("ng/mL", "нг/мл", "ng/mL"),
    _unit("ug/L", "мкг/л", "µg/L"),
    # Arbitrary units of immunoassays (CA 19-9): 1 U/mL = 1 kU/L.
    _unit("U/mL", "Ед/мл", "U/mL"),
    _unit("kU/L", "кЕд/л", "kU/L"),
    # Cell counts: 10^3/µL = 10^9/L and 10^6/µL = 10^12/L exactly, so those are spellings.
    # Printed "2,0 × 10⁹/л": no-break spaces around × (the number's is added with it).
    _unit("10^9/L", "×\u00a010⁹/л", "×\u00a010⁹/L", "тыс/мкл", "10^3/µL", "10^3/мкл", "K/µL"),
    _unit("10^12/L", "×\u00a010¹²/л", "×\u00a010¹²/L", "млн/мкл", "10^6/µL", "10^6/мкл", "M/µL"),
    # Dimensionless and time.
    _unit("%", "%", "%"),
    _unit("s", "с", "s", "sec", "сек"),
    _unit("ratio", "", "", "-", "–", "—", "ед.", "отн. ед.", "б/р"),
    # Daily urinary excretion.
    _unit("mg/24h", "мг/сут", "mg/24 h", "mg/day", "mg/d", "мг/24 ч", "мг/сутки"),
    _unit("umol/24h", "мкмоль/сут", "µmol/24 h", "µmol/day", "µmol/d", "мкмоль/сутки"),
)
UNITS: Mapping[str, Unit] = MappingProxyType({u.id: u for u in _UNIT_TABLE})
"""Every unit by its id."""


def _catalogue_unit(uid: str) -> Unit:
    return UNITS[uid]


# Analytes ---------------------------------------------------------------------------------


def _analyte(
    aid: str,
    kind: Kind,
    names: tuple[str, str],
    factors: Mapping[str, float],
    aliases: tuple[str, ...],
    *,
    bounds: Bounds = (0.0, None),
    other: Mapping[str, Bounds] | None = None,
) -> Analyte:
    """An analyte whose SI unit is the first key of ``factors``."""
    ru, en = names
    return Analyte(
        id=aid,
        names=MappingProxyType({"ru": ru, "en": en}),
        aliases=aliases,
        kind=kind,
        si_unit=next(iter(factors)),
        factors=MappingProxyType(dict(factors)),
        value_min=bounds[0],
        value_max=bounds[1],
        other_units=MappingProxyType(dict(other or {})),
    )


_ENZYME = {"U/L": 1.0, "ukat/L": 60.0}
_BILIRUBIN = {"umol/L": 1.0, "mg/dL": 17.1}  # AMA: 17.104; 17.1 is what labs and papers use
_PROTEIN = {"g/L": 1.0, "g/dL": 10.0}
_COUNT = {"10^9/L": 1.0}
_MASS = {"ug/L": 1.0, "ng/mL": 1.0}  # 1 ng/mL = 1 µg/L by definition
_PERCENT: Bounds = (0.0, 100.0)

# fmt: off
_ANALYTE_TABLE = (
    # Liver enzymes.
    _analyte("alt", "lab", ("АЛТ", "ALT"), _ENZYME,
             ("АлАТ", "ALAT", "GPT", "SGPT", "аланинаминотрансфераза",
              "аланиновая аминотрансфераза", "alanine aminotransferase",
              "alanine transaminase")),
    _analyte("ast", "lab", ("АСТ", "AST"), _ENZYME,
             ("АсАТ", "ASAT", "GOT", "SGOT", "аспартатаминотрансфераза",
              "аспарагиновая аминотрансфераза", "aspartate aminotransferase",
              "aspartate transaminase")),
    _analyte("alp", "lab", ("ЩФ", "ALP"), _ENZYME,
             ("ЩелФ", "щелочная фосфатаза", "alkaline phosphatase")),
    _analyte("ggt", "lab", ("ГГТ", "GGT"), _ENZYME,
             ("ГГТП", "γ-ГТ", "гамма-ГТ", "гамма-глутамилтрансфераза",
              "гамма-глутамилтранспептидаза", "GGTP", "γ-GT", "gamma-GT",
              "gamma-glutamyl transferase", "gamma-glutamyltransferase")),
    # Bilirubin, proteins, kidney. Molar masses: bilirubin 584.7, creatinine 113.1 g/mol.
    _analyte("bilirubin_total", "lab", ("Общий билирубин", "Total bilirubin"), _BILIRUBIN,
             ("билирубин", "билирубин общий", "bilirubin", "bilirubin total", "TBIL",
              "T-Bil")),
    _analyte("bilirubin_direct", "lab", ("Прямой билирубин", "Direct bilirubin"), _BILIRUBIN,
             ("билирубин прямой", "связанный билирубин", "конъюгированный билирубин",
              "bilirubin direct", "conjugated bilirubin", "DBIL", "D-Bil")),
    _analyte("albumin", "lab", ("Альбумин", "Albumin"), _PROTEIN, ("ALB",)),
    _analyte("total_protein", "lab", ("Общий белок", "Total protein"), _PROTEIN,
             ("белок общий", "protein total", "TP")),
    _analyte("creatinine", "lab", ("Креатинин", "Creatinine"),
             {"umol/L": 1.0, "mg/dL": 88.4}, ("CREA", "Cr")),
    # mg/dL of urea means urea NITROGEN (BUN), as US labs report it: 1 mg/dL BUN = 0.357 mmol/L
    # urea (1 mmol urea holds 28.0 mg N). Urea itself in mg/dL (×0.1665) is not accepted.
    _analyte("urea", "lab", ("Мочевина", "Urea"), {"mmol/L": 1.0, "mg/dL": 0.357},
             ("BUN", "blood urea nitrogen", "urea nitrogen")),
    # Blood count.
    _analyte("hemoglobin", "lab", ("Гемоглобин", "Hemoglobin"), _PROTEIN,
             ("Hb", "HGB", "Hgb", "haemoglobin")),
    _analyte("erythrocytes", "lab", ("Эритроциты", "Erythrocytes"), {"10^12/L": 1.0},
             ("RBC", "red blood cells", "red blood cell count")),
    _analyte("platelets", "lab", ("Тромбоциты", "Platelets"), _COUNT,
             ("PLT", "platelet count", "thrombocytes")),
    _analyte("leukocytes", "lab", ("Лейкоциты", "Leukocytes"), _COUNT,
             ("WBC", "leucocytes", "white blood cells", "white blood cell count")),
    _analyte("neutrophils", "lab", ("Нейтрофилы", "Neutrophils"), _COUNT,
             ("NEUT", "NEU", "ANC", "absolute neutrophil count"), other={"%": _PERCENT}),
    # Coagulation. INR and Quick % are other quantities than the prothrombin time: Quick % comes
    # from the time through each laboratory's own calibration curve, so it is never converted.
    # Quick % has no upper bound: values above 100 % are normal (ranges up to 120–150 %).
    _analyte("inr", "lab", ("МНО", "INR"), {"ratio": 1.0},
             ("международное нормализованное отношение", "international normalized ratio",
              "international normalised ratio")),
    _analyte("prothrombin", "lab", ("Протромбин", "Prothrombin"), {"s": 1.0},
             ("протромбиновое время", "ПВ", "протромбин по Квику", "prothrombin time", "PT",
              "Quick"), other={"%": (0.0, None)}),
    # Pathology.
    _analyte("ki67", "pathology", ("Ki-67", "Ki-67"), {"%": 1.0},
             ("индекс Ki-67", "Ki-67 index", "MIB-1"), bounds=_PERCENT),
    # Tumour markers. Chromogranin A in nmol/L or U/L depends on the assay: no agreed factor.
    _analyte("chromogranin_a", "marker", ("Хромогранин А", "Chromogranin A"), _MASS,
             ("хромогранин", "ХгА", "chromogranin", "CgA"),
             other={"nmol/L": (0.0, None), "U/L": (0.0, None)}),
    # Serotonin, 176.2 g/mol: AMA ng/mL × 0.00568 = µmol/L, i.e. × 5.68 = nmol/L.
    _analyte("serotonin", "marker", ("Серотонин", "Serotonin"),
             {"nmol/L": 1.0, "umol/L": 1000.0, "ng/mL": 5.68, "ug/L": 5.68},
             ("5-гидрокситриптамин", "5-HT", "5-hydroxytryptamine")),
    # 5-HIAA in 24-hour urine, 191.2 g/mol: AMA mg/24 h × 5.23 = µmol/24 h.
    _analyte("5_hiaa", "marker", ("5-ОИУК", "5-HIAA"), {"umol/24h": 1.0, "mg/24h": 5.23},
             ("5-ГИУК", "5-оксииндолуксусная кислота", "5-гидроксииндолуксусная кислота",
              "5-hydroxyindoleacetic acid", "5-hydroxyindolacetic acid")),
    _analyte("nse", "marker", ("НСЕ", "NSE"), _MASS,
             ("нейронспецифическая енолаза", "нейрон-специфическая енолаза",
              "neuron-specific enolase", "neurone-specific enolase")),
    _analyte("ca19_9", "marker", ("CA 19-9", "CA 19-9"), {"kU/L": 1.0, "U/mL": 1.0},
             ("углеводный антиген 19-9", "раковый антиген 19-9", "carbohydrate antigen 19-9",
              "cancer antigen 19-9")),
    _analyte("cea", "marker", ("РЭА", "CEA"), _MASS,
             ("раково-эмбриональный антиген", "карциноэмбриональный антиген",
              "carcinoembryonic antigen")),
)
# fmt: on
ANALYTES: Mapping[str, Analyte] = MappingProxyType({a.id: a for a in _ANALYTE_TABLE})
"""Every analyte by its id."""


def _catalogue_analyte(aid: str) -> Analyte:
    return ANALYTES[aid]


# Indexes, checked once at import ----------------------------------------------------------

_T = TypeVar("_T", Unit, Analyte)


def _build_index(
    entries: Iterable[tuple[str, _T]], keyfunc: Callable[[str], str]
) -> Mapping[str, tuple[_T, str]]:
    """Normalised spelling → (entry, first spelling seen); two entries may not share one."""
    index: dict[str, tuple[_T, str]] = {}
    for spelling, item in entries:
        known, _ = index.setdefault(keyfunc(spelling), (item, spelling))
        if known.id != item.id:
            raise RuntimeError(f"`{spelling}` would mean both {known.id} and {item.id}")
    return MappingProxyType(index)


def _check_catalogue() -> None:
    for analyte in ANALYTES.values():
        if analyte.factors.get(analyte.si_unit) != 1.0:
            raise RuntimeError(f"{analyte.id}: the SI unit must have factor 1")
        units = [*analyte.factors, *analyte.other_units]
        if len(set(units)) != len(units) or not set(units) <= set(UNITS):
            raise RuntimeError(f"{analyte.id}: units {units} are unknown or repeated")


_check_catalogue()
_UNIT_INDEX = _build_index(
    ((s, u) for u in _UNIT_TABLE for s in (*u.labels.values(), *u.aliases, u.id)), _unit_key
)
_ANALYTE_INDEX = _build_index(
    ((s, a) for a in _ANALYTE_TABLE for s in (*a.names.values(), *a.aliases, a.id)), _name_key
)


# Look-ups, suggestions, conversion --------------------------------------------------------


def find_analyte(name: str) -> Analyte | None:
    """The analyte called ``name`` (id, name or alias, any case, spacing or dashes)."""
    found = _ANALYTE_INDEX.get(_name_key(name))
    return found[0] if found else None


def suggest_analyte(name: str) -> str | None:
    """The known name closest to an unknown ``name``, for "did you mean"; None if none is."""
    match = difflib.get_close_matches(_name_key(name), list(_ANALYTE_INDEX), n=1, cutoff=0.6)
    return _ANALYTE_INDEX[match[0]][1] if match else None


def accepted_units(analyte: Analyte) -> tuple[Unit, ...]:
    """The units ``analyte`` may be given in: the SI unit first, then the convertible ones,
    then ``other_units``."""
    return tuple(UNITS[uid] for uid in (*analyte.factors, *analyte.other_units))


def _accepts(analyte: Analyte, unit_id: str) -> bool:
    return unit_id in analyte.factors or unit_id in analyte.other_units


def find_unit(analyte: Analyte, spelling: str) -> Unit | None:
    """The unit ``spelling`` means, if ``analyte`` may be given in it."""
    found = _UNIT_INDEX.get(_unit_key(spelling))
    return found[0] if found and _accepts(analyte, found[0].id) else None


def _shown(unit: Unit) -> str:
    return unit.labels["en"] or "no unit (`-`)"


def suggest_unit(analyte: Analyte, spelling: str) -> str | None:
    """A hint for a unit not accepted for ``analyte``: the accepted units, preceded by "did you
    mean" when ``spelling`` looks like a misspelt one; None if ``spelling`` is accepted."""
    if find_unit(analyte, spelling) is not None:
        return None
    shown = [_shown(u) for u in accepted_units(analyte)]
    expected = "expected " + (
        " or ".join(shown) if len(shown) < 3 else "one of " + ", ".join(shown)
    )
    mixed = _mixed_script_hint(analyte, spelling)
    if mixed is not None:
        return f"{mixed}; {expected}"
    key = _unit_key(spelling)
    if key in _UNIT_INDEX:  # a real unit, of another quantity: no "did you mean"
        return expected
    choices = {k: s for k, (u, s) in _UNIT_INDEX.items() if _accepts(analyte, u.id)}
    match = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{choices[match[0]]}`? {expected}" if match else expected


_CYRILLIC_TO_LATIN = dict(
    zip("авекмнорстухлгдпиАВЕКМНОРСТУХЛГДПИ", "abekmhopctyxlgdpiABEKMHOPCTYXLGDPI", strict=True)
)
"""Cyrillic letters and the Latin ones typed in their place: look-alikes, and the letters of
the same sound a unit is spelt with (``л``/``L``, ``г``/``g``, ``д``/``d``)."""
_LATIN_TO_CYRILLIC = {latin: cyrillic for cyrillic, latin in _CYRILLIC_TO_LATIN.items()}


def _script(char: str) -> str | None:
    if not char.isalpha() or char in "µμ":
        return None
    return "Cyrillic" if "\u0400" <= char <= "\u04ff" else "Latin"


def _mixed_script_hint(analyte: Analyte, spelling: str) -> str | None:
    """For a unit spelt with Latin and Cyrillic letters mixed: the letters of the other script
    by name, and the accepted unit meant when they are typed in the script of the rest."""
    latin = [c for c in spelling if _script(c) == "Latin"]
    cyrillic = [c for c in spelling if _script(c) == "Cyrillic"]
    if not latin or not cyrillic:
        return None

    def named(letters: list[str], script: str, rest: str) -> str:
        unique = list(dict.fromkeys(letters))
        listed = ", ".join(f"`{c}`" for c in unique)
        verb = "is a" if len(unique) == 1 else "are"
        noun = "letter" if len(unique) == 1 else "letters"
        return f"{listed} {verb} {script} {noun} among {rest} ones"

    for table, letters, script, rest, lang in (
        (_CYRILLIC_TO_LATIN, cyrillic, "Cyrillic", "Latin", "en"),
        (_LATIN_TO_CYRILLIC, latin, "Latin", "Cyrillic", "ru"),
    ):
        unit = find_unit(analyte, "".join(table.get(c, c) for c in spelling))
        if unit is not None:
            label = unit.labels[lang] or unit.id  # type: ignore[index]
            return f"{named(letters, script, rest)}: did you mean `{label}`?"
    if len(latin) < len(cyrillic):
        return named(latin, "Latin", "Cyrillic")
    return named(cyrillic, "Cyrillic", "Latin")


def _resolve(analyte: Analyte, spelling: str) -> Unit:
    unit = find_unit(analyte, spelling)
    if unit is None:
        raise ValueError(f"`{spelling}` is not a unit of {analyte.names['en']}")
    return unit


def convert(value: float, analyte: Analyte, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (ids or any accepted spelling),
    through the SI unit. Raises ValueError if a unit is not the analyte's or no factor links
    the two (e.g. prothrombin s → %)."""
    source, target = _resolve(analyte, from_unit), _resolve(analyte, to_unit)
    if source.id == target.id:
        return float(value)
    if source.id in analyte.factors and target.id in analyte.factors:
        return value * analyte.factors[source.id] / analyte.factors[target.id]
    raise ValueError(
        f"{analyte.names['en']}: no conversion from {_shown(source)} to {_shown(target)}"
    )


def value_bounds(analyte: Analyte, unit: str) -> Bounds:
    """(min, max) of a possible value of ``analyte`` in ``unit``; None where unbounded.
    Raises ValueError if ``unit`` is not the analyte's."""
    uid = _resolve(analyte, unit).id
    if uid in analyte.other_units:
        return analyte.other_units[uid]
    factor = analyte.factors[uid]
    low, high = analyte.value_min, analyte.value_max
    return (None if low is None else low / factor, None if high is None else high / factor)


def unit_label(unit_id: str, lang: Lang) -> str:
    """How the unit ``unit_id`` prints in ``lang`` (``U/L`` → ``ед./л``); KeyError if unknown."""
    return UNITS[unit_id].labels[lang]


__all__ = [
    "ANALYTES",
    "UNITS",
    "Analyte",
    "Unit",
    "accepted_units",
    "convert",
    "find_analyte",
    "find_unit",
    "suggest_analyte",
    "suggest_unit",
    "unit_label",
    "value_bounds",
]
