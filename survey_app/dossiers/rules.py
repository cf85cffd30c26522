"""The scoring rules are data: the packaged rules/default.yaml, or a deployment's own file.

A deployment overrides them with `instance/dossier_rules.yaml` (or the file named by the
DOSSIER_RULES_FILE setting). A malformed file is refused with a message naming the file and the
problem, and the packaged rules stay in force. Stored scores follow the rules in force when they were
imported: after a change, `flask --app wsgi dossiers rescore` recomputes them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from flask_babel import gettext as _

from survey_app.analytics.dossier_scoring import TIMINGS, IndicatorRule, Rules, ScoreClass

logger = logging.getLogger(__name__)

PACKAGED = Path(__file__).resolve().parent / "rules" / "default.yaml"
LOCAL_NAME = "dossier_rules.yaml"
SOURCE_COLUMNS = ("i2", "i5", "i6", "i8", "i9")
COUNT_COLUMNS = ("supplement_requests", "agencies_contacted")
KINDS = ("timeliness", "count", "source")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the problem."""


def _score(value: Any, where: str, max_score: int) -> int:
    """A whole score from 0 to max_score."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= max_score:
        raise RulesError(
            _("%(where)s: scores are whole numbers from 0 to %(max)d.", where=where, max=max_score)
        )
    return value


def _text(node: Any, where: str) -> tuple[str, str]:
    """A {vi, en} wording, both filled in."""
    if not isinstance(node, dict) or not all(
        isinstance(node.get(k), str) and node[k].strip() for k in ("vi", "en")
    ):
        raise RulesError(
            _("%(where)s: a Vietnamese (vi) and an English (en) wording are needed.", where=where)
        )
    return node["vi"].strip(), node["en"].strip()


def _indicator(raw: Any, number: int, source: str, max_score: int) -> IndicatorRule:
    """One indicator's rule, checked."""
    where = f"{source}, indicator {number}"
    if not isinstance(raw, dict) or raw.get("number") != number:
        raise RulesError(_("%(where)s: the indicators must be numbered 1 to 9 in order.", where=where))
    name_vi, name_en = _text(raw.get("name"), where)
    kind = raw.get("rule")
    if kind not in KINDS:
        raise RulesError(
            _("%(where)s: the rule must be one of %(kinds)s.", where=where, kinds=", ".join(KINDS))
        )
    if kind == "timeliness":
        scores = raw.get("scores")
        if not isinstance(scores, dict) or set(scores) != set(TIMINGS):
            raise RulesError(_("%(where)s: give scores for before, on_time and after.", where=where))
        complaint = raw.get("verified_complaint")
        return IndicatorRule(
            number,
            name_vi,
            name_en,
            kind,
            timing_scores={k: _score(v, where, max_score) for k, v in scores.items()},
            verified_complaint=None if complaint is None else _score(complaint, where, max_score),
        )
    if kind == "count":
        column, scores = raw.get("column"), raw.get("scores")
        if column not in COUNT_COLUMNS:
            raise RulesError(
                _(
                    "%(where)s: the column must be one of %(columns)s.",
                    where=where,
                    columns=", ".join(COUNT_COLUMNS),
                )
            )
        if not isinstance(scores, list) or not scores:
            raise RulesError(_("%(where)s: scores must be a non-empty list.", where=where))
        return IndicatorRule(
            number,
            name_vi,
            name_en,
            kind,
            column=column,
            count_scores=tuple(_score(v, where, max_score) for v in scores),
            more=_score(raw.get("more", 0), where, max_score),
        )
    column, otherwise = raw.get("column"), raw.get("otherwise", "not_assessed")
    if column not in SOURCE_COLUMNS:
        raise RulesError(
            _(
                "%(where)s: the column must be one of %(columns)s.",
                where=where,
                columns=", ".join(SOURCE_COLUMNS),
            )
        )
    if otherwise != "not_assessed" and not (
        isinstance(otherwise, int) and 1 <= otherwise <= 9 and otherwise != number
    ):
        raise RulesError(
            _("%(where)s: otherwise must be another indicator's number or not_assessed.", where=where)
        )
    return IndicatorRule(
        number,
        name_vi,
        name_en,
        kind,
        column=column,
        otherwise=None if otherwise == "not_assessed" else otherwise,
    )


def parse_rules(data: Any, source: str) -> Rules:
    """Check a rules document and build the rules it describes."""
    if not isinstance(data, dict):
        raise RulesError(_("%(where)s: the file must hold a mapping.", where=source))
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RulesError(_("%(where)s: a version is needed.", where=source))
    title_vi, title_en = _text(data.get("title"), source)
    max_score = data.get("max_score", 2)
    if isinstance(max_score, bool) or not isinstance(max_score, int) or not 1 <= max_score <= 10:
        raise RulesError(_("%(where)s: max_score must be a whole number from 1 to 10.", where=source))
    raw_indicators = data.get("indicators")
    if not isinstance(raw_indicators, list) or len(raw_indicators) != 9:
        raise RulesError(_("%(where)s: exactly nine indicators are needed.", where=source))
    indicators = tuple(_indicator(raw, n, source, max_score) for n, raw in enumerate(raw_indicators, start=1))
    for rule in indicators:
        if rule.kind == "source" and rule.otherwise and indicators[rule.otherwise - 1].kind == "source":
            raise RulesError(
                _(
                    "%(where)s, indicator %(n)d: otherwise must name an indicator without a source score.",
                    where=source,
                    n=rule.number,
                )
            )
    raw_classes = data.get("classes")
    if not isinstance(raw_classes, list) or not raw_classes:
        raise RulesError(_("%(where)s: classes must be a non-empty list.", where=source))
    classes = []
    for index, raw in enumerate(raw_classes, start=1):
        where = f"{source}, class {index}"
        minimum = raw.get("min") if isinstance(raw, dict) else None
        if isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum < 0:
            raise RulesError(_("%(where)s: min must be a number of 0 or more.", where=where))
        classes.append(ScoreClass(float(minimum), *_text(raw, where)))
    classes.sort(key=lambda c: c.minimum, reverse=True)
    return Rules(version.strip(), title_vi, title_en, max_score, indicators, tuple(classes), source)


def load_file(path: Path) -> Rules:
    """Read and check one rules file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise RulesError(_("%(where)s: the file is not UTF-8 text.", where=path.name)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulesError(
            _(
                "%(where)s: not valid YAML (line %(line)d).",
                where=path.name,
                line=mark.line + 1 if mark else 0,
            )
        ) from exc
    return parse_rules(data, path.name)


_cache: dict[tuple, tuple[Rules, str | None]] = {}


def local_path() -> Path:
    """Where a deployment's own rules file is looked for."""
    configured = current_app.config.get("DOSSIER_RULES_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / LOCAL_NAME


def current_rules() -> tuple[Rules, str | None]:
    """The rules in force and, when a local file was refused, why (the packaged rules apply then)."""
    path = local_path()
    key = (str(path), path.stat().st_mtime_ns if path.is_file() else None, PACKAGED.stat().st_mtime_ns)
    if key not in _cache:
        problem = None
        rules = None
        if path.is_file():
            try:
                rules = load_file(path)
            except RulesError as exc:
                problem = str(exc)
                logger.warning("dossier rules file refused: %s", problem)
        _cache.clear()
        _cache[key] = (rules or load_file(PACKAGED), problem)
    return _cache[key]


def rules() -> Rules:
    """The scoring rules in force."""
    return current_rules()[0]
