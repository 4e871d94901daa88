"""Personal names in Russian and English text (issue 16): a patient's, a relative's, a doctor's.

A name is a run of capitalised words (``Марию Сидоренко``, ``Maria Ivanova``) that

- holds a first name, surname or patronymic of the Russian dictionary in any case
  (:mod:`casepub.checks.deid_morph`; Latin words through their reverse transliteration),
  or an English first name of :mod:`casepub.checks.deid_english` followed by a surname; or
- follows a title or a word for a person (``Dr.``, ``Mrs.``, ``daughter``, ``дочери``,
  ``пациентку``, ``врач``), whatever the words are.

A run is not a patient's name when it is an eponym or a method (``операция Уиппла``,
``по Симпсону``, ``Kaplan–Meier``, ``Whipple procedure``), a cited author (followed by
``и соавт.``, ``et al.``, ``[12]``, ``(2017)``, or written ``Pavel M,`` as in a reference
list), part of an institution's name (``им. Н.Н. Блохина``, ``Blokhin Center``) or one of
``known`` (the authors' and the cited authors' family names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from casepub.checks import deid_english
from casepub.checks.deid_morph import WordInfo, lemma, plural, word_info, word_set

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
"""A word: letters, with inner hyphens and apostrophes (``Римский-Корсаков``, ``O'Neil``)."""


@dataclass(frozen=True)
class Span:
    """A word or a found name or place: its text and where it is."""

    text: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        """``Мария``, ``Smith``, ``Римский-Корсаков``; not ``НЭО``, ``CT``, ``Ki``."""
        parts = re.split(r"['’-]", self.text)
        return (
            self.text[0].isupper()
            and len(self.text) >= 2
            and any(p[1:].islower() and len(p) > 1 for p in parts)
            and not any(ch.isupper() for ch in parts[0][1:])
        )

    @property
    def latin(self) -> bool:
        return self.text.isascii()


def tokens(text: str) -> list[Span]:
    """Every word of ``text`` in order."""
    return [Span(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


_ABBREVIATIONS = word_set(
    "г гор с сел пос п д дер ст ул пр им др проф доц акад см рис табл т тт стр гл мкр р-н обл "
    "ок дд мм гг вв св ст-ца dr mr mrs ms mx prof st no nos vs fig figs ref refs e.g i.e approx "
    "cf al jr sr"
)
_MARKDOWN_START = re.compile(r"(?:^|\n)[ \t]*(?:[-*+>#|]+|\d+[.)])?[ \t]*$")


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence, a paragraph, a list item, a table
    cell or a heading (where any word is capitalised); a single line break is a space."""
    i = start
    while i > 0 and text[i - 1] in " \t«\"“„'(*_[":
        i -= 1
    if i == 0:
        return True
    before = text[i - 1]
    if before in "!?…:;|•—":
        return True
    if before == "\n" or _MARKDOWN_START.search(text, 0, start) is not None:
        return _line_start(text, i - 1)
    if before == ".":
        word = re.search(r"([^\W\d_]+(?:[.-][^\W\d_]+)*)\.$", text[max(0, i - 20) : i])
        if word is None:
            return True
        abbreviation = word.group(1).casefold()
        return not (len(abbreviation) == 1 or abbreviation in _ABBREVIATIONS)
    return False


def _line_start(text: str, newline: int) -> bool:
    """A word after a line break starts a sentence when the line is a new paragraph or the
    break follows the end of a sentence; a wrapped line of a paragraph does not."""
    line_start = text.rfind("\n", 0, newline) + 1
    if text[newline] != "\n":
        return True  # a list, table or heading marker
    previous = text[line_start:newline].rstrip()
    return previous == "" or previous.endswith((".", "!", "?", ":", "|", "…")) or previous == "|"


# Words that say the next capitalised words name a person.
_TITLES = word_set(
    "dr doctor mr mrs ms miss mx prof professor sir madam madame nurse sister mister"
)
_PERSON_EN = word_set(
    "patient patients daughter son husband wife mother father sister brother partner spouse "
    "fiance fiancé fiancee fiancée grandson granddaughter grandmother grandfather grandchild "
    "niece nephew aunt uncle cousin neighbour neighbor friend caregiver carer guardian "
    "physician surgeon oncologist radiologist pathologist gp practitioner nurse named called "
    "née nee mrs mr ms dr"
)
_PERSON_RU = word_set(
    "пациент пациентка больной больная дочь сын муж жена супруг супруга мать отец брат сестра "
    "внук внучка бабушка дедушка тётя тетя дядя племянник племянница сосед соседка подруга друг "
    "опекун гражданин гражданка господин госпожа врач доктор хирург онколог медсестра медбрат "
    "фельдшер профессор доцент зять невестка свекровь тёща теща"
)

# Eponyms: the word before (Russian lemma) or after (English) an eponymous name.
_EPONYM_BEFORE = word_set(
    "по им операция метод методика способ шкала индекс критерий синдром болезнь симптом признак "
    "классификация тест проба реакция окраска доступ разрез анастомоз шов капсула проток ампула "
    "клетка пятно закон формула уравнение кривая модель система аппарат зонд катетер петля манёвр "
    "маневр положение позиция линия точка треугольник связка сфинктер сосочек "
    "дивертикул грыжа саркома лимфома язва пластика резекция фундопликация правило оценка "
    "опухоль феномен рефлекс named after ул улица пр просп проспект пер переулок наб набережная "
    "пл площадь ш шоссе б-р бульвар проезд тупик аллея st street"
)
_EPONYM_AFTER = word_set(
    "procedure operation resection disease syndrome sign signs test score scale index "
    "classification criteria criterion stage staging method methods technique estimator estimate "
    "estimates curve curves analysis equation formula incision manoeuvre maneuver approach "
    "anastomosis pouch duct ducts capsule ligament triangle cell cells lymphoma tumor tumour "
    "sarcoma phenomenon reaction stain staining fixation law rule model plot correction "
    "coefficient grade grading system catheter tube clamp position line point diverticulum "
    "hernia ulcer palsy effect principle algorithm regimen protocol trial study database "
    "registry questionnaire survey center centre institute hospital clinic university "
    "foundation society association college school academy laboratory unit department "
    "medical national memorial"
)
_INSTITUTION_WORDS = word_set(
    "center centre institute hospital clinic university foundation society association college "
    "school academy laboratory department medical national memorial research cancer oncology "
    "infirmary russian federal state regional city municipal general scientific clinical "
    "children's"
)
_INSTITUTION_RU = re.compile(
    r"\s*(?:центр|институт|университет|больниц|клиник|академи|госпитал|общество|фонд)",
    re.IGNORECASE,
)
_CITATION_AFTER = re.compile(
    r"(?:\s*(?:,|\band\b|\bи\b|&)\s*(?:[A-ZА-ЯЁ]\.\s?){0,3}[A-ZА-ЯЁ][^\W\d_]+(?:['’-][^\W\d_]+)*"
    r"(?:\s+(?:[A-ZА-ЯЁ]\.\s?){1,3})?)*"
    r"\s*,?\s*(?:и\s+соавт|с\s+соавт|и\s+др\b|и\s+коллег|и\s+сотр|et\s+al|and\s+(?:colleagues|"
    r"co-?workers|co-?authors|associates)|\[|\(\s*(?:19|20)\d\d|,\s*(?:19|20)\d\d[a-z]?\s*[);\]])",
)
_NAMED_AFTER = re.compile(
    r"(?:\bим\.|\bимени|named\s+after)\s*(?:(?:акад|академика|проф|профессора|acad|prof)\.?\s*)?"
    r"(?:[A-ZА-ЯЁ]\.\s?)*$"
)
_PLACE_AFTER_RU = re.compile(
    r"\s*(?:област|район|кра[йяею]|округ|республик|улиц|проспект|шосс|переул|площад|бульвар|"
    r"набережн|университет|федерац)",
    re.IGNORECASE,
)
_REFERENCE_STYLE = re.compile(r"\s+[A-ZА-ЯЁ]{1,3}(?:,|\.|;|$)")
"""``Pavel M,`` ``Hallet J,`` ``Law CHL,``: authors as a reference list writes them."""
_POSSESSIVE = re.compile(r"['’]s\b")


def find_names(text: str, known: Iterable[str] = (), words: list[Span] | None = None) -> list[Span]:
    """Every personal name in ``text`` that is not an eponym, a cited author or one of
    ``known`` (family names, casefolded); ``words`` are its :func:`tokens` if known."""
    words = tokens(text) if words is None else words
    known_names = frozenset(k.casefold() for k in known)
    found = []
    for run in _capitalised_runs(text, words):
        named = _named(text, words, run)
        if named is None:
            continue
        first, last = named
        start, end = words[first].start, words[last].end
        if not excluded(text, start, end, known_names, words):
            found.append(Span(text[start:end], start, end))
    return found


def _capitalised_runs(text: str, words: list[Span]) -> Iterator[tuple[int, int]]:
    """(first, last) indexes of each run of capitalised words separated by one space."""
    i = 0
    while i < len(words):
        if not words[i].capitalised:
            i += 1
            continue
        j = i
        while (
            j + 1 < len(words)
            and words[j + 1].capitalised
            and re.fullmatch(r"[ \t]*\n?[ \t]*", text[words[j].end : words[j + 1].start])
            and words[j + 1].latin == words[i].latin
        ):
            j += 1
        yield i, j
        i = j + 1


def _named(text: str, words: list[Span], run: tuple[int, int]) -> tuple[int, int] | None:
    """The part of a run of capitalised words that names a person, or None."""
    first, last = run
    # a capitalised common word opening the run (Пациентка, The, Her) is context, not a name
    while first <= last and _common_capitalised(text, words[first]):
        first += 1
    if first > last:
        return None
    infos = [word_info(words[k].text) for k in range(first, last + 1)]
    place_only = infos[0].geox and not infos[0].personal
    if (
        _after_person_word(text, words, first)
        and not _stop_word(words[first].text)
        and not place_only
    ):
        heading = words[first - 1].text[0].isupper() and words[first - 1].text.casefold() not in (
            _TITLES
        )
        if not heading or any(i.personal for i in infos) or _latin_name(words[first].text):
            return first, last
    if last > first and _full_name(words, first, last, infos):
        return first, last
    return _single_names(text, words, first, last, infos)


def _common_capitalised(text: str, token: Span) -> bool:
    """A capitalised word that is an ordinary word here: a sentence's first word that the
    dictionary knows as a common word and not a name (``Пациентка``, ``Вера``), or an
    English function word, title or month."""
    if _stop_word(token.text) or token.text.casefold().rstrip(".") in _TITLES:
        return True
    if token.latin:
        return sentence_initial(text, token.start) and not _latin_name(token.text)
    info = word_info(token.text)
    if not info.personal:
        return info.common or sentence_initial(text, token.start)
    return sentence_initial(text, token.start) and info.common and not info.top_personal


def _stop_word(word: str) -> bool:
    return word.casefold() in deid_english.STOP_WORDS


def _latin_name(word: str) -> bool:
    return deid_english.is_first_name(word) or word_info(word).top_personal


def _full_name(words: list[Span], first: int, last: int, infos: list[WordInfo]) -> bool:
    """Two or more capitalised words of which one is a name: ``Марию Сидоренко``,
    ``Maria Ivanova``, ``John Davis``."""
    if words[first].latin:
        return deid_english.is_first_name(words[first].text) or any(
            i.personal and not i.common for i in infos
        )
    return any(i.personal for i in infos)


def _single_names(
    text: str, words: list[Span], first: int, last: int, infos: list[WordInfo]
) -> tuple[int, int] | None:
    """A lone first name, surname or patronymic of the dictionary: anywhere inside a
    sentence; at a sentence's start only when the word is no common word."""
    from casepub.checks.deid_places import large_region

    for k, info in zip(range(first, last + 1), infos, strict=True):
        if not info.personal or (info.geox and large_region(words[k].text)):
            continue
        if words[k].latin and not info.top_personal:
            continue
        initial = sentence_initial(text, words[k].start)
        if words[k].latin and initial and "Surn" not in info.personal:
            continue  # Mark the lesion…; Ivanova was discharged…
        if not initial or words[k].latin or not info.common:
            return k, k
    return None


def _previous_word(text: str, words: list[Span], index: int, gap: str = r"[\s,]*") -> str:
    """The word before ``words[index]`` when only ``gap`` separates them, casefolded."""
    if index == 0:
        return ""
    before = words[index - 1]
    between = text[before.end : words[index].start]
    if not re.fullmatch(gap, between.replace(".", "")):
        return ""
    return before.text.casefold()


def _after_person_word(text: str, words: list[Span], index: int) -> bool:
    """The run follows a title or a word for a person: ``Dr.``, ``daughter``, ``дочери``,
    ``пациентку`` (also across a comma: ``Her husband, Sergei,``)."""
    word = _previous_word(text, words, index)
    if not word:
        return False
    if word in _TITLES or word in _PERSON_EN:
        return True
    if words[index - 1].latin:
        return False
    return lemma(word) in _PERSON_RU and not plural(word)


def excluded(
    text: str,
    start: int,
    end: int,
    known: frozenset[str],
    words: list[Span] | None = None,
) -> bool:
    """The name at ``start:end`` is an eponym, a cited author, part of an institution's or a
    place's name, or holds a known family name."""
    words = tokens(text) if words is None else words
    inside = [k for k, w in enumerate(words) if start <= w.start and w.end <= end]
    if not inside:
        return False
    first, last = inside[0], inside[-1]
    return (
        _eponym(text, words, first, last)
        or _CITATION_AFTER.match(text, end) is not None
        or (words[last].latin and _REFERENCE_STYLE.match(text, end) is not None)
        or _INSTITUTION_RU.match(text, end) is not None
        or _PLACE_AFTER_RU.match(text, end) is not None
        or _NAMED_AFTER.search(text, max(0, start - 40), start) is not None
        or _known(text[start:end], known)
    )


def _eponym(text: str, words: list[Span], first: int, last: int) -> bool:
    end = words[last].end
    if re.match(r"\s*[–—]\s*[A-ZА-ЯЁ]", text[end : end + 4]) or re.search(
        r"[A-ZА-ЯЁ][^\W\d_]*\s*[–—]\s*$", text[max(0, words[first].start - 30) : words[first].start]
    ):
        return True  # Kaplan–Meier, Золлингера–Эллисона
    if _POSSESSIVE.match(text, end):
        return True  # Hodgkin's, Crohn's
    before = _previous_word(text, words, first, r"\s*")
    if before and (before in _EPONYM_BEFORE or lemma(before) in _EPONYM_BEFORE):
        return True
    if any(words[k].text.casefold() in _INSTITUTION_WORDS for k in range(first, last + 1)):
        return True  # Blokhin National Medical Research Center
    following = words[last + 1] if last + 1 < len(words) else None
    if following is None or not re.fullmatch(r"[\s-]*", text[end : following.start]):
        return False
    word = re.sub(r"['’]s$", "", following.text.casefold())
    return word in _EPONYM_AFTER or word in _INSTITUTION_WORDS


def _known(found: str, known: frozenset[str]) -> bool:
    """One of the words is a known family name, in any case form (``Перегудова``)."""
    for word in WORD.findall(found):
        folded = word.casefold()
        if folded in known:
            return True
        if any(
            folded.startswith(name) and len(folded) - len(name) <= 3 and len(name) >= 4
            for name in known
        ):
            return True
        if not word.isascii() and word_info(word).lemmas & known:
            return True
    return False
