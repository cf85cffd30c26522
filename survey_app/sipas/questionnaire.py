"""Questionnaire versions are data: YAML files read, checked and cached here.

Shipped versions live in `survey_app/sipas/questionnaires/`; a reform office adds a local version
by dropping `<version>.yaml` into the folder named by the `SIPAS_QUESTIONNAIRE_DIR` setting
(default `instance/questionnaires`). A malformed file is refused with a message naming the file
and the problem; the other versions keep working.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey_app.analytics.sipas_index import DONT_KNOW  # the stored code of NO_ANSWER

logger = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "questionnaires"
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
VERSION_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
QUESTION_KINDS = ("expectation", "perception", "demographic")
DEFAULT_SCALE = (
    ("Rất không hài lòng", "Very dissatisfied"),
    ("Không hài lòng", "Dissatisfied"),
    ("Bình thường", "Neutral"),
    ("Hài lòng", "Satisfied"),
    ("Rất hài lòng", "Very satisfied"),
)
NO_ANSWER = ("Không biết / không trả lời", "Don't know / no answer")
# The measurement methods (domain-sources.md, "Versions of SIPAS over time"): results of different methods
# are not comparable, so no trend or comparison joins them. A file names its method with `method:`.
METHODS = {
    "2017": _l("2017–2021 method"),  # QĐ 2640/QĐ-BNV: 5 elements, 22 criteria (and forms built on it)
    "2022": _l("Method from 2022"),  # policy and service aspects (2022 plan; QĐ 1001/QĐ-BNV 2023–2026)
}


def method_label(method: str) -> str:
    """The name of a measurement method, as trends and comparisons show it."""
    label = METHODS.get(method)
    return str(label) if label is not None else _("Method not stated")


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Option:
    """One answer option of a non-index question (or one level of the rating scale)."""

    value: int
    vi: str
    en: str

    def label(self, language: str) -> str:
        """The option's wording in a UI language."""
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Criterion:
    """A rated criterion (tiêu chí), answered 1–5."""

    code: str
    vi: str
    en: str
    weight: float = 1.0

    def text(self, language: str) -> str:
        """The criterion's wording in a UI language."""
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Element:
    """An element (yếu tố): a group of criteria."""

    code: str
    vi: str
    en: str
    criteria: tuple[Criterion, ...]
    weight: float = 1.0

    def name(self, language: str) -> str:
        """The element's name in a UI language."""
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Aspect:
    """An aspect of the index (policy, service)."""

    code: str
    vi: str
    en: str
    elements: tuple[Element, ...]
    weight: float = 1.0

    def name(self, language: str) -> str:
        """The aspect's name in a UI language."""
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Question:
    """A non-index question: expectation, perception or demographic."""

    code: str
    kind: str
    vi: str
    en: str
    options: tuple[Option, ...]
    top: tuple[int, ...] = ()  # expectation: the levels that count as "wanted"
    stem_vi: str = ""  # optional: the table question this item is a row of (printed once above its rows)
    stem_en: str = ""

    def text(self, language: str) -> str:
        """The question's wording in a UI language."""
        return self.en if language == "en" else self.vi

    def stem(self, language: str) -> str:
        """The wording of the table question this item belongs to ("" for a question of its own)."""
        return self.stem_en if language == "en" else self.stem_vi

    @property
    def values(self) -> tuple[int, ...]:
        """The option values."""
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Questionnaire:
    """One questionnaire version."""

    version: str
    title_vi: str
    title_en: str
    aspects: tuple[Aspect, ...]
    questions: tuple[Question, ...]
    scale: tuple[Option, ...]
    comment: bool = True
    source: str = ""
    method: str = ""  # a key of METHODS; "" for a local file that names none
    text: str = field(default="", compare=False, repr=False)  # the YAML it was read from
    _by_code: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def title(self, language: str) -> str:
        """The version's title in a UI language."""
        return self.title_en if language == "en" else self.title_vi

    @property
    def method_label(self) -> str:
        """The name of the version's measurement method."""
        return method_label(self.method)

    def comparable_with(self, other: Questionnaire) -> bool:
        """Whether results of this version may be set beside results of another (same, stated method)."""
        return bool(self.method) and self.method == other.method

    @property
    def elements(self) -> list[Element]:
        """Every element, in order."""
        return [e for a in self.aspects for e in a.elements]

    @property
    def criteria(self) -> list[Criterion]:
        """Every criterion, in order."""
        return [c for e in self.elements for c in e.criteria]

    @property
    def criterion_codes(self) -> list[str]:
        """Codes of the rated criteria, in order."""
        return [c.code for c in self.criteria]

    @property
    def demographics(self) -> list[Question]:
        """The demographic questions."""
        return [q for q in self.questions if q.kind == "demographic"]

    @property
    def all_codes(self) -> list[str]:
        """Every question code: criteria first, then the other questions."""
        return self.criterion_codes + [q.code for q in self.questions]

    def allowed_values(self, code: str) -> tuple[int, ...]:
        """The answer values a question takes, DONT_KNOW included (a blank, 0 or empty, is allowed too)."""
        item = self._by_code[code]
        return ((1, 2, 3, 4, 5) if isinstance(item, Criterion) else item.values) + (DONT_KNOW,)

    def item(self, code: str) -> Criterion | Question | None:
        """The criterion or question with a code."""
        return self._by_code.get(code)


# --- reading and checking ---------------------------------------------------------------------


def _text(node: Any, where: str, name: str) -> tuple[str, str]:
    """A {vi, en} wording, both filled in."""
    if not isinstance(node, dict) or not all(
        isinstance(node.get(k), str) and node[k].strip() for k in ("vi", "en")
    ):
        raise QuestionnaireError(
            _(
                "%(where)s: %(name)s needs both a Vietnamese (vi) and an English (en) wording.",
                where=where,
                name=name,
            )
        )
    return node["vi"].strip(), node["en"].strip()


def _weight(node: dict, where: str) -> float:
    """An aggregation weight: a positive number, 1 when left out."""
    weight = node.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        raise QuestionnaireError(_("%(where)s: the weight must be a positive number.", where=where))
    return float(weight)


def _code(node: Any, where: str, seen: set[str]) -> str:
    """A unique, well-formed code."""
    if not isinstance(node, dict):
        raise QuestionnaireError(_("%(where)s: expected a mapping with a code.", where=where))
    code = node.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise QuestionnaireError(
            _(
                "%(where)s: the code %(code)s is invalid (a letter, then up to 15 letters, digits or _).",
                where=where,
                code=repr(code),
            )
        )
    if code in seen:
        raise QuestionnaireError(_("%(where)s: the code %(code)s is used twice.", where=where, code=code))
    seen.add(code)
    return code


def _list(node: Any, where: str, name: str) -> list:
    """A non-empty list."""
    if not isinstance(node, list) or not node:
        raise QuestionnaireError(_("%(where)s: %(name)s must be a non-empty list.", where=where, name=name))
    return node


def _options(node: Any, where: str) -> tuple[Option, ...]:
    """Answer options with distinct positive integer values."""
    options = []
    for i, raw in enumerate(_list(node, where, "options"), start=1):
        spot = f"{where}, option {i}"
        value = raw.get("value") if isinstance(raw, dict) else None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < DONT_KNOW:
            raise QuestionnaireError(
                _(
                    '%(where)s: the value must be a whole number from 1 to 98 (99 is "don\'t know").',
                    where=spot,
                )
            )
        if any(o.value == value for o in options):
            raise QuestionnaireError(
                _("%(where)s: the value %(value)d is used twice.", where=spot, value=value)
            )
        options.append(Option(value, *_text(raw, spot, "the option")))
    return tuple(options)


def parse_questionnaire(data: Any, source: str, expected_version: str | None = None) -> Questionnaire:
    """Check a questionnaire document and build the version it describes."""
    if not isinstance(data, dict):
        raise QuestionnaireError(_("%(where)s: the file must hold a mapping.", where=source))
    version = data.get("version")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise QuestionnaireError(
            _("%(where)s: the version must be lower-case letters, digits, dots or dashes.", where=source)
        )
    if expected_version and version != expected_version:
        raise QuestionnaireError(
            _(
                "%(where)s: the version %(version)s does not match the file name.",
                where=source,
                version=version,
            )
        )
    title_vi, title_en = _text(data.get("title"), source, "the title")
    method = data.get("method", "")
    method = str(method) if isinstance(method, int) and not isinstance(method, bool) else method
    if method != "" and method not in METHODS:
        raise QuestionnaireError(
            _(
                "%(where)s: the method must be one of %(methods)s.",
                where=source,
                methods=", ".join(METHODS),
            )
        )
    seen: set[str] = set()
    aspects = []
    for a_index, raw_aspect in enumerate(_list(data.get("aspects"), source, "aspects"), start=1):
        a_where = f"{source}, aspect {a_index}"
        a_code = _code(raw_aspect, a_where, seen)
        a_where = f"{source}, aspect {a_code}"
        elements = []
        for e_index, raw_element in enumerate(
            _list(raw_aspect.get("elements"), a_where, "elements"), start=1
        ):
            e_code = _code(raw_element, f"{a_where}, element {e_index}", seen)
            e_where = f"{source}, element {e_code}"
            criteria = []
            for c_index, raw_criterion in enumerate(
                _list(raw_element.get("criteria"), e_where, "criteria"), 1
            ):
                c_code = _code(raw_criterion, f"{e_where}, criterion {c_index}", seen)
                c_where = f"{source}, criterion {c_code}"
                criteria.append(
                    Criterion(
                        c_code,
                        *_text(raw_criterion.get("text"), c_where, "the text"),
                        weight=_weight(raw_criterion, c_where),
                    )
                )
            elements.append(
                Element(
                    e_code,
                    *_text(raw_element.get("name"), e_where, "the name"),
                    criteria=tuple(criteria),
                    weight=_weight(raw_element, e_where),
                )
            )
        aspects.append(
            Aspect(
                a_code,
                *_text(raw_aspect.get("name"), a_where, "the name"),
                elements=tuple(elements),
                weight=_weight(raw_aspect, a_where),
            )
        )
    questions = []
    raw_questions = data.get("questions") or []
    if not isinstance(raw_questions, list):
        raise QuestionnaireError(_("%(where)s: questions must be a list.", where=source))
    for q_index, raw in enumerate(raw_questions, start=1):
        q_code = _code(raw, f"{source}, question {q_index}", seen)
        q_where = f"{source}, question {q_code}"
        kind = raw.get("kind")
        if kind not in QUESTION_KINDS:
            raise QuestionnaireError(
                _(
                    "%(where)s: the kind must be one of %(kinds)s.",
                    where=q_where,
                    kinds=", ".join(QUESTION_KINDS),
                )
            )
        options = _options(raw.get("options"), q_where)
        top: tuple[int, ...] = ()
        if kind == "expectation":
            values = sorted(o.value for o in options)
            top = tuple(raw.get("top") or values[-2:])
            if not set(top) <= set(values):
                raise QuestionnaireError(
                    _("%(where)s: top lists values that are not options.", where=q_where)
                )
        stem = _text(raw["stem"], q_where, "the stem") if raw.get("stem") is not None else ("", "")
        questions.append(
            Question(q_code, kind, *_text(raw.get("text"), q_where, "the text"), options, top, *stem)
        )
    scale = tuple(Option(i, vi, en) for i, (vi, en) in enumerate(DEFAULT_SCALE, start=1))
    if data.get("scale") is not None:
        raw_scale = _list(data["scale"], source, "scale")
        if len(raw_scale) != 5:
            raise QuestionnaireError(_("%(where)s: the scale must have exactly 5 levels.", where=source))
        scale = tuple(
            Option(i, *_text(raw, f"{source}, scale level {i}", "the level"))
            for i, raw in enumerate(raw_scale, start=1)
        )
    questionnaire = Questionnaire(
        version=version,
        title_vi=title_vi,
        title_en=title_en,
        aspects=tuple(aspects),
        questions=tuple(questions),
        scale=scale,
        comment=bool(data.get("comment", True)),
        source=source,
        method=method,
    )
    questionnaire._by_code.update({c.code: c for c in questionnaire.criteria})
    questionnaire._by_code.update({q.code: q for q in questionnaire.questions})
    return questionnaire


def checksum(text: str) -> str:
    """The SHA-256 of a questionnaire's YAML text (what a campaign's stored copy is checked against)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_text(text: str, source: str, expected_version: str | None = None) -> Questionnaire:
    """Check a questionnaire's YAML text and build the version it describes (keeping the text)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise QuestionnaireError(
            _("%(where)s: not valid YAML (line %(line)d).", where=source, line=line)
        ) from exc
    questionnaire = parse_questionnaire(data, source, expected_version=expected_version)
    object.__setattr__(questionnaire, "text", text)
    return questionnaire


def load_file(path: Path) -> Questionnaire:
    """Read and check one questionnaire file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(_("%(where)s: the file is not UTF-8 text.", where=path.name)) from exc
    return parse_text(text, path.name, expected_version=path.stem)


def shipped_method(version: str) -> str:
    """The method named by the shipped file of a version ("" when there is none or it names none)."""
    path = SHIPPED_DIR / f"{version}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    method = data.get("method", "") if isinstance(data, dict) and data.get("version") == version else ""
    return str(method) if str(method) in METHODS else ""


_snapshots: dict[str, Questionnaire] = {}
SNAPSHOT_CACHE_SIZE = 64


def from_snapshot(version: str, text: str, stored_checksum: str) -> Questionnaire:
    """The questionnaire a campaign stored when it was opened, read from its copy (never from a file).

    The copy is checked against its checksum: a copy altered in the database is refused, not used.
    Parsed copies are cached by checksum, so a page does not parse YAML on every request.
    """
    found = _snapshots.get(stored_checksum)
    if found is not None:
        return found
    if checksum(text) != stored_checksum:
        raise QuestionnaireError(
            _(
                "The stored copy of questionnaire %(version)s does not match its checksum.",
                version=version,
            )
        )
    questionnaire = parse_text(text, f"{version}.yaml")
    if not questionnaire.method:
        # Copies taken before files named their method: the shipped file of the same version says it
        # (the method is a fact about the version, not part of the wording the copy protects).
        object.__setattr__(questionnaire, "method", shipped_method(version))
    if len(_snapshots) >= SNAPSHOT_CACHE_SIZE:
        _snapshots.pop(next(iter(_snapshots)))
    _snapshots[stored_checksum] = questionnaire
    return questionnaire


@dataclass
class Catalogue:
    """The usable questionnaire versions, and the files that were refused."""

    versions: dict[str, Questionnaire]
    errors: list[str]


_cache: dict[tuple, Catalogue] = {}


def load_catalogue(local_dir: Path | None = None) -> Catalogue:
    """Every shipped and local version (cached until a file changes)."""
    files = sorted(SHIPPED_DIR.glob("*.yaml"))
    if local_dir is not None and local_dir.is_dir():
        files += sorted(local_dir.glob("*.yaml"))
    key = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    if key in _cache:
        return _cache[key]
    versions: dict[str, Questionnaire] = {}
    errors: list[str] = []
    for path in files:
        try:
            questionnaire = load_file(path)
        except QuestionnaireError as exc:
            errors.append(str(exc))
            continue
        if questionnaire.version in versions:
            errors.append(
                _(
                    "%(where)s: version %(version)s exists already.",
                    where=path.name,
                    version=questionnaire.version,
                )
            )
            continue
        versions[questionnaire.version] = questionnaire
    for error in errors:
        logger.warning("questionnaire file refused: %s", error)
    _cache.clear()
    _cache[key] = Catalogue(versions, errors)
    return _cache[key]


def local_dir() -> Path:
    """The folder of local versions configured for the running app."""
    configured = current_app.config["SIPAS_QUESTIONNAIRE_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "questionnaires"


def catalogue() -> Catalogue:
    """The versions available to the running app."""
    return load_catalogue(local_dir())


def get_questionnaire(version: str) -> Questionnaire:
    """One version of the running app; QuestionnaireError when it is unknown."""
    found_in = catalogue()
    found = found_in.versions.get(version)
    if found is None:
        refused = next((e for e in found_in.errors if e.startswith(f"{version}.yaml:")), None)
        if refused:  # the file is there but broken: say what is wrong with it
            raise QuestionnaireError(refused)
        raise QuestionnaireError(_("Unknown questionnaire version %(version)s.", version=version))
    return found
