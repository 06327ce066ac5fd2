"""Check a code version document and report every problem at once, each with its path.

Someone drafting version 2 should fix all mistakes in one pass, so nothing here stops
at the first problem; paths are dotted with list indexes (``provisions[3].family``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

REQUIRED = ("id", "title", "in_force_from", "provisions", "sanctions", "deadlines", "publication")
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
    "referral_flags",
)
DEADLINES = ("acknowledge", "triage", "decide", "lodge_appeal", "decide_appeal")


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


def _check_reference(doc: dict[str, Any], key: str, field: str, target: str) -> Iterable[Problem]:
    known = _ids(doc, target)
    for index, item in enumerate(_items(doc, key)):
        value = item.get(field)
        if value is not None and str(value) not in known:
            yield Problem(
                f"{key}[{index}].{field}",
                f"unknown reference {value!r}; known {target}: {', '.join(sorted(known))}",
            )


def validate_document(doc: Any) -> list[Problem]:
    if not isinstance(doc, dict):
        return [Problem("(file)", "must be a YAML mapping")]
    problems: list[Problem] = [Problem(k, "missing") for k in REQUIRED if k not in doc]
    for key in VOCABULARIES:
        problems += _check_vocabulary(doc, key)
    problems += _check_reference(doc, "provisions", "family", "families")
    problems += _check_reference(doc, "forms_of_hate", "characteristic", "characteristics")

    levels = {item.get("level"): item for item in _items(doc.get("severity") or {}, "levels")}
    for index, provision in enumerate(_items(doc, "provisions")):
        severity = provision.get("base_severity")
        if levels and severity not in levels:
            problems.append(
                Problem(
                    f"provisions[{index}].base_severity",
                    f"{severity!r} is not a severity level ({', '.join(map(str, levels))})",
                )
            )

    ranks: dict[Any, str] = {}
    for index, sanction in enumerate(_items(doc, "sanctions")):
        rank = sanction.get("rank")
        if not isinstance(rank, int) or rank < 0:
            problems.append(Problem(f"sanctions[{index}].rank", "must be a whole number >= 0"))
        elif rank in ranks:
            problems.append(
                Problem(f"sanctions[{index}].rank", f"rank {rank} already used by {ranks[rank]!r}")
            )
        else:
            ranks[rank] = str(sanction.get("id"))
    ladder = {str(s.get("id")): s.get("rank") for s in _items(doc, "sanctions")}
    for index, level in enumerate(_items(doc.get("severity") or {}, "levels")):
        path = f"severity.levels[{index}].recommended"
        span = level.get("recommended")
        if not (isinstance(span, list) and len(span) == 2):
            problems.append(Problem(path, "must be [lowest, highest] sanction ids"))
            continue
        unknown = [s for s in span if str(s) not in ladder]
        if unknown:
            problems.append(
                Problem(path, f"sanction range out of the ladder: {', '.join(map(str, unknown))}")
            )
        elif (ladder[str(span[0])] or 0) > (ladder[str(span[1])] or 0):
            problems.append(Problem(path, "lowest sanction is above the highest"))

    deadlines = doc.get("deadlines")
    if isinstance(deadlines, dict):
        for name in DEADLINES:
            days = deadlines.get(name)
            if not isinstance(days, int) or days <= 0:
                problems.append(
                    Problem(f"deadlines.{name}", f"must be a positive number of days, not {days!r}")
                )
    elif "deadlines" in doc:
        problems.append(Problem("deadlines", "must be a mapping of deadline names to days"))

    publication = doc.get("publication")
    if isinstance(publication, dict):
        k = publication.get("k")
        if not isinstance(k, int) or k < 2:
            problems.append(Problem("publication.k", f"must be a whole number >= 2, not {k!r}"))
        for name, levels_of in (publication.get("hierarchies") or {}).items():
            if not isinstance(levels_of, list) or not levels_of or levels_of[-1] != "any":
                problems.append(
                    Problem(f"publication.hierarchies.{name}", 'hierarchy must end at "any"')
                )
    return problems
