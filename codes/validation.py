"""Check a code version document and report every problem at once, each with its path.

Someone drafting version 2 should fix all mistakes in one pass, so nothing here stops
at the first problem; paths are dotted with list indexes (``provisions[3].family``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

REQUIRED = (
    "id",
    "title",
    "in_force_from",
    "provisions",
    "sanctions",
    "severity",
    "deadlines",
    "publication",
)
VOCABULARIES = (
    "families",
    "provisions",
    "characteristics",
    "forms_of_hate",
    "channels",
    "target_roles",
    "respondent_roles",
    "sanctions",
    "outcomes",
    "out_of_scope_reasons",
    "referral_flags",
)
DEADLINES = ("acknowledge", "triage", "decide", "lodge_appeal", "decide_appeal")
PUBLISHED_ATTRIBUTES = frozenset(
    {
        "period",
        "provision",
        "form_of_hate",
        "channel",
        "respondent_role",
        "target_role",
        "severity",
        "sanction",
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _items(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = doc.get(key) or []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _ids(doc: dict[str, Any], key: str) -> set[str]:
    return {str(item.get("id")) for item in _items(doc, key)}


def _check_vocabulary(doc: dict[str, Any], key: str) -> Iterable[Problem]:
    value = doc.get(key)
    if value is None:
        return
    if not isinstance(value, list):
        yield Problem(key, "must be a list")
        return
    seen: set[str] = set()
    for index, item in enumerate(value):
        path = f"{key}[{index}]"
        if not isinstance(item, dict):
            yield Problem(path, "must be a mapping with id and title")
            continue
        if not item.get("id"):
            yield Problem(f"{path}.id", "missing")
        elif str(item["id"]) in seen:
            yield Problem(f"{path}.id", f"duplicate id {item['id']!r}")
        else:
            seen.add(str(item["id"]))
        if not item.get("title"):
            yield Problem(f"{path}.title", "missing")
        for name, value in item.items():
            if value is None:
                yield Problem(
                    f"{path}.{name}",
                    "a key with no value: in a {...} entry, put a title containing a comma "
                    'in quotes ("Print (leaflets, letters)")',
                )


def _check_reference(doc: dict[str, Any], key: str, field: str, target: str) -> Iterable[Problem]:
    known = _ids(doc, target)
    for index, item in enumerate(_items(doc, key)):
        value = item.get(field)
        if value is not None and str(value) not in known:
            yield Problem(
                f"{key}[{index}].{field}",
                f"unknown reference {value!r}; known {target}: {', '.join(sorted(known))}",
            )


def _check_subset(values: Any, known: set[str], path: str, what: str) -> Iterable[Problem]:
    if values is None:
        return
    if not isinstance(values, list):
        yield Problem(path, "must be a list")
        return
    for index, value in enumerate(values):
        if str(value) not in known:
            yield Problem(
                f"{path}[{index}]",
                f"unknown reference {value!r}; known {what}: {', '.join(sorted(known))}",
            )


def _check_groups(doc: dict[str, Any], key: str) -> Iterable[Problem]:
    for index, item in enumerate(_items(doc, key)):
        if not item.get("group"):
            yield Problem(f"{key}[{index}].group", "missing (published figures generalise to it)")


def _check_header(doc: dict[str, Any]) -> Iterable[Problem]:
    if "id" in doc and not str(doc["id"] or "").strip():
        yield Problem("id", "must be a non-empty version id")
    value = doc.get("in_force_from")
    if value is not None and not isinstance(value, date):
        try:
            date.fromisoformat(str(value))
        except ValueError:
            yield Problem("in_force_from", f"must be a date (YYYY-MM-DD), not {value!r}")
    scope = doc.get("scope")
    if isinstance(scope, dict):
        yield from _check_subset(
            scope.get("persons"), _ids(doc, "respondent_roles"), "scope.persons", "respondent_roles"
        )
        groups = {str(c.get("group")) for c in _items(doc, "channels")}
        yield from _check_subset(scope.get("settings"), groups, "scope.settings", "channel groups")
    elif scope is not None:
        yield Problem("scope", "must be a mapping of persons, settings and periods")


def _check_sanctions(doc: dict[str, Any]) -> Iterable[Problem]:
    ranks: dict[Any, str] = {}
    for index, sanction in enumerate(_items(doc, "sanctions")):
        rank = sanction.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 0:
            yield Problem(f"sanctions[{index}].rank", "must be a whole number >= 0")
        elif rank in ranks:
            yield Problem(
                f"sanctions[{index}].rank", f"rank {rank} already used by {ranks[rank]!r}"
            )
        else:
            ranks[rank] = str(sanction.get("id"))
        if not isinstance(sanction.get("requires_length", False), bool):
            yield Problem(f"sanctions[{index}].requires_length", "must be true or false")


def _check_severity(doc: dict[str, Any]) -> Iterable[Problem]:
    severity = doc.get("severity")
    if severity is None:
        return
    if not isinstance(severity, dict):
        yield Problem("severity", "must be a mapping")
        return
    levels = [item.get("level") for item in _items(severity, "levels")]
    if not levels:
        yield Problem("severity.levels", "missing: give at least one level")
    elif not all(isinstance(v, int) for v in levels) or sorted(
        v for v in levels if isinstance(v, int)
    ) != list(range(1, len(levels) + 1)):
        yield Problem(
            "severity.levels", f"levels must be numbered 1 to {len(levels)} once each, not {levels}"
        )
    ladder = {str(s.get("id")): s.get("rank") for s in _items(doc, "sanctions")}
    for index, level in enumerate(_items(severity, "levels")):
        if not level.get("title"):
            yield Problem(f"severity.levels[{index}].title", "missing")
        path = f"severity.levels[{index}].recommended"
        span = level.get("recommended")
        if not (isinstance(span, list) and len(span) == 2):
            yield Problem(path, "must be [lowest, highest] sanction ids")
            continue
        unknown = [s for s in span if str(s) not in ladder]
        if unknown:
            yield Problem(path, f"sanction range out of the ladder: {', '.join(map(str, unknown))}")
        elif (ladder[str(span[0])] or 0) > (ladder[str(span[1])] or 0):
            yield Problem(path, "lowest sanction is above the highest")

    seen: dict[str, str] = {}
    for kind in ("aggravating", "mitigating"):
        yield from (
            Problem(f"severity.{p.path}", p.message) for p in _check_vocabulary(severity, kind)
        )
        for index, factor in enumerate(_items(severity, kind)):
            path = f"severity.{kind}[{index}]"
            factor_id = str(factor.get("id"))
            if factor_id in seen and seen[factor_id] != kind:
                yield Problem(
                    f"{path}.id", f"{factor_id!r} is already listed under {seen[factor_id]}"
                )
            seen.setdefault(factor_id, kind)
            weight = factor.get("weight")
            if not isinstance(weight, int) or isinstance(weight, bool) or weight <= 0:
                yield Problem(f"{path}.weight", f"must be a whole number >= 1, not {weight!r}")
    yield from (
        Problem(f"severity.{p.path}", p.message)
        for p in _check_vocabulary(severity, "departure_reasons")
    )
    adjustment = severity.get("adjustment")
    if not isinstance(adjustment, dict):
        yield Problem("severity.adjustment", "must give max_up and max_down (levels)")
    else:
        for name in ("max_up", "max_down"):
            value = adjustment.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                yield Problem(
                    f"severity.adjustment.{name}", f"must be a whole number >= 0, not {value!r}"
                )


def _check_publication(doc: dict[str, Any]) -> Iterable[Problem]:
    publication = doc.get("publication")
    if not isinstance(publication, dict):
        if publication is not None:
            yield Problem("publication", "must be a mapping")
        return
    k = publication.get("k")
    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        yield Problem("publication.k", f"must be a whole number >= 2, not {k!r}")
    diversity = publication.get("l", 2)
    if not isinstance(diversity, int) or isinstance(diversity, bool) or diversity < 1:
        yield Problem("publication.l", f"must be a whole number >= 1, not {diversity!r}")
    elif isinstance(k, int) and not isinstance(k, bool) and k >= 2 and diversity > k:
        yield Problem("publication.l", f"cannot exceed k ({k}): a group of k shows at most k bands")
    settling = publication.get("settling_days", 42)
    if not isinstance(settling, int) or isinstance(settling, bool) or not 0 <= settling <= 366:
        yield Problem("publication.settling_days", f"must be 0 to 366 days, not {settling!r}")
    month = publication.get("reporting_year_start_month", 4)
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        yield Problem(
            "publication.reporting_year_start_month", f"must be a month number 1-12, not {month!r}"
        )
    hierarchies = publication.get("hierarchies") or {}
    if not isinstance(hierarchies, dict):
        yield Problem("publication.hierarchies", "must map each published attribute to its levels")
        hierarchies = {}
    for name, levels_of in hierarchies.items():
        path = f"publication.hierarchies.{name}"
        if name not in PUBLISHED_ATTRIBUTES:
            yield Problem(
                path, f"not a published attribute; known: {', '.join(sorted(PUBLISHED_ATTRIBUTES))}"
            )
        if not isinstance(levels_of, list) or not levels_of or levels_of[-1] != "any":
            yield Problem(path, 'hierarchy must end at "any"')
        elif len(set(levels_of)) != len(levels_of):
            yield Problem(path, "a level appears twice")
    ladder = _ids(doc, "sanctions")
    banded: dict[str, str] = {}
    yield from (
        Problem(f"publication.{p.path}", p.message)
        for p in _check_vocabulary(publication, "sanction_bands")
    )
    for index, band in enumerate(_items(publication, "sanction_bands")):
        path = f"publication.sanction_bands[{index}].sanctions"
        members = band.get("sanctions")
        if not isinstance(members, list) or not members:
            yield Problem(path, "must list the ladder's sanction ids in this band")
            continue
        yield from _check_subset(members, ladder, path, "sanctions")
        for sanction in members:
            if str(sanction) in banded:
                yield Problem(path, f"{sanction!r} is already in band {banded[str(sanction)]!r}")
            banded[str(sanction)] = str(band.get("id"))
    if banded and set(banded) != ladder:
        missing = ", ".join(sorted(ladder - set(banded)))
        yield Problem(
            "publication.sanction_bands", f"every sanction needs a band; missing: {missing}"
        )
    never = publication.get("never_published") or []
    for index, name in enumerate(never if isinstance(never, list) else []):
        if name in hierarchies:
            yield Problem(
                f"publication.never_published[{index}]",
                f"{name!r} also has a publication hierarchy",
            )
    bands = publication.get("time_to_decision_bands")
    if bands is not None:
        expected_start = 0
        for index, band in enumerate(bands if isinstance(bands, list) else [None]):
            path = f"publication.time_to_decision_bands[{index}]"
            last = index == len(bands) - 1
            if not (isinstance(band, list) and len(band) == 2 and band[0] == expected_start):
                yield Problem(path, f"must be [{expected_start}, upper days] continuing the bands")
                break
            upper = band[1]
            if upper is None and not last:
                yield Problem(path, "only the last band may be open-ended (null)")
                break
            if upper is not None and (not isinstance(upper, int) or upper < band[0]):
                yield Problem(path, f"upper bound {upper!r} is below the lower bound")
                break
            expected_start = (upper or 0) + 1


def validate_document(doc: Any) -> list[Problem]:
    """Every problem in a parsed version file, in file order, each with its path."""
    if not isinstance(doc, dict):
        return [Problem("(file)", "must be a YAML mapping")]
    problems: list[Problem] = [Problem(k, "missing") for k in REQUIRED if k not in doc]
    problems += _check_header(doc)
    for key in VOCABULARIES:
        problems += _check_vocabulary(doc, key)
    problems += _check_reference(doc, "provisions", "family", "families")
    problems += _check_reference(doc, "forms_of_hate", "characteristic", "characteristics")
    problems += _check_groups(doc, "channels")
    problems += _check_groups(doc, "respondent_roles")
    problems += _check_groups(doc, "target_roles")

    severity: dict[str, Any] = doc["severity"] if isinstance(doc.get("severity"), dict) else {}
    levels = {item.get("level") for item in _items(severity, "levels")}
    known_levels = sorted(levels, key=str)
    for index, provision in enumerate(_items(doc, "provisions")):
        if not provision.get("text"):
            problems.append(Problem(f"provisions[{index}].text", "missing"))
        value = provision.get("base_severity")
        if levels and value not in levels:
            problems.append(
                Problem(
                    f"provisions[{index}].base_severity",
                    f"{value!r} is not a severity level ({', '.join(map(str, known_levels))})",
                )
            )
    problems += _check_sanctions(doc)
    problems += _check_severity(doc)

    deadlines = doc.get("deadlines")
    if isinstance(deadlines, dict):
        for name in DEADLINES:
            days = deadlines.get(name)
            if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
                problems.append(
                    Problem(f"deadlines.{name}", f"must be a positive number of days, not {days!r}")
                )
        for name in deadlines:
            if name not in DEADLINES:
                problems.append(
                    Problem(f"deadlines.{name}", f"unknown deadline; known: {', '.join(DEADLINES)}")
                )
    elif "deadlines" in doc:
        problems.append(Problem("deadlines", "must be a mapping of deadline names to days"))
    problems += _check_publication(doc)
    return problems
