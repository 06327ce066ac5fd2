"""The published values: what may be published about an outcome, one entry per value.

Everything public about outcomes is derived from this file, and only from it:
- the published record's columns: ``PUBLISHED_COLUMNS``, ``published_fields``, and the
  stored table's columns (``publication.models.PublishedValues``);
- the statistics dimensions: ``Dimension``, the tables that may use them, and the
  GraphQL enum, filter and row types;
- the GraphQL ``PublishedRecord`` type;
- the open-data columns and their data dictionary.

- the planner's attributes, their weights and the value of every level of their
  hierarchy (``HIERARCHIES``), and which case values a release reads to plan them.

To publish a new value, add its ``Published`` entry (and a ``Dimension`` member if it is
counted). If it is a new hierarchy rather than a level of an existing one, also add its
``Hierarchy`` here and the hierarchy itself to the code version's publication rules.
Then write the migration that adds its column (and its expression to
``refresh_statistics`` if it is counted), and add its awkward cases to the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from codes import CodeVersion


class Dimension(Enum):
    """What the public statistics may be grouped and filtered by."""

    PARTY = "party"
    YEAR = "year"
    QUARTER = "quarter"
    PROVISION = "provision"
    FAMILY = "family"
    FORM_OF_HATE = "form_of_hate"
    CHARACTERISTIC = "characteristic"
    CHANNEL = "channel"
    CHANNEL_GROUP = "channel_group"
    RESPONDENT_ROLE = "respondent_role"
    RESPONDENT_ROLE_GROUP = "respondent_role_group"
    SEVERITY = "severity"
    SANCTION = "sanction"
    SANCTION_BAND = "sanction_band"


class Kind(Enum):
    TEXT = "text"
    INTEGER = "integer"
    LIST = "list"  # of text


@dataclass(frozen=True, slots=True)
class Published:
    """One published column of an outcome record.

    ``attribute`` and ``level`` name where the planner's record holds the value (the
    attribute's hierarchy and the level within it; ``None``: whichever level the release
    chose). ``dimension`` is the statistics dimension counting the same value, if any.
    """

    column: str
    attribute: str
    level: str | None
    kind: Kind
    description: str
    dimension: Dimension | None = None
    dimension_description: str | None = None


D = Dimension
PUBLISHED_VALUES: tuple[Published, ...] = (
    Published("period", "period", None, Kind.TEXT,
              "The period in which the outcome became final (a released record shows the "
              "year, 2026; older releases a month 2026-03 or quarter 2026-Q1); empty if "
              "not published."),
    Published("quarter", "period", "quarter", Kind.TEXT,
              "Quarter in which the outcome became final, when published at that level.",
              D.QUARTER, "Quarter in which the outcome became final (2026-Q1)."),
    Published("year", "period", "year", Kind.INTEGER,
              "Year in which the outcome became final.",
              D.YEAR, "Year in which the outcome became final."),
    Published("provisions", "provision", "provision", Kind.LIST,
              "Provisions of the code found in the case (JC1...), when published.",
              D.PROVISION, "A provision of the code (JC1...)."),
    Published("families", "provision", "family", Kind.LIST,
              "Families of those provisions (harassment, hate...).",
              D.FAMILY, "A family of provisions."),
    Published("forms_of_hate", "form_of_hate", "form_of_hate", Kind.LIST,
              "Named forms of hate involved, when published; may be empty.",
              D.FORM_OF_HATE, "A named form of hate."),
    Published("characteristics", "form_of_hate", "characteristic", Kind.LIST,
              "Protected characteristics targeted (derived from the forms of hate), when "
              "published.",
              D.CHARACTERISTIC, "A protected characteristic recorded on the case."),
    Published("channel", "channel", "channel", Kind.TEXT,
              "Where it happened (social_x, email, in_person_hustings...).",
              D.CHANNEL, "Where it happened."),
    Published("channel_group", "channel", "channel_group", Kind.TEXT,
              "online or offline.", D.CHANNEL_GROUP, "online or offline."),
    Published("respondent_role", "respondent_role", "respondent_role", Kind.TEXT,
              "The respondent's role (member, candidate...).",
              D.RESPONDENT_ROLE, "The respondent's role."),
    Published("respondent_role_group", "respondent_role", "respondent_role_group", Kind.TEXT,
              "The broader role group.", D.RESPONDENT_ROLE_GROUP, "The broader role group."),
    Published("severity", "severity", "severity", Kind.INTEGER,
              "The code's severity level, 1-4 (empty: not published, or nothing proven).",
              D.SEVERITY, "The code's severity level, 1-4."),
    Published("sanction", "sanction", "sanction", Kind.TEXT,
              "The sanction that stands on the common ladder (after any appeal), when "
              "published at that level.",
              D.SANCTION, "The sanction that stands."),
    Published("sanction_band", "sanction", "sanction_band", Kind.TEXT,
              "The sanction's band (none, lesser, suspension, removal).",
              D.SANCTION_BAND, "The sanction's band."),
)  # fmt: skip

PUBLISHED_COLUMNS: tuple[str, ...] = tuple(p.column for p in PUBLISHED_VALUES)
# Published values about the sanction: a group equal in all the others must show at
# least l sanction bands.
SANCTION_COLUMNS: tuple[str, ...] = tuple(
    p.column for p in PUBLISHED_VALUES if p.attribute == "sanction"
)
PARTY_DESCRIPTION = "The party's slug; empty in all-party tables."
# a dimension's Python type, for filters and rows
DIMENSION_KINDS: dict[Dimension, Kind] = {
    D.PARTY: Kind.TEXT,
    **{
        p.dimension: (Kind.TEXT if p.kind is Kind.LIST else p.kind)
        for p in PUBLISHED_VALUES
        if p.dimension is not None
    },
}
DIMENSION_DESCRIPTIONS: dict[Dimension, str] = {
    D.PARTY: PARTY_DESCRIPTION,
    **{
        p.dimension: p.dimension_description or p.description
        for p in PUBLISHED_VALUES
        if p.dimension is not None
    },
}
if set(DIMENSION_KINDS) != set(Dimension):  # a dimension no published value counts
    raise RuntimeError(
        f"dimensions without a published value: {set(Dimension) - set(DIMENSION_KINDS)}"
    )


def published_fields(record: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The columns a released record is stored and served with; None = not at that level.

    ``record`` is the planner's: attribute -> {level: value} for the levels published.
    """
    fields: dict[str, Any] = {}
    for p in PUBLISHED_VALUES:
        levels = record.get(p.attribute, {})
        value = next(iter(levels.values()), None) if p.level is None else levels.get(p.level)
        if value is not None and p.kind is Kind.INTEGER:
            value = int(value)
        elif value is not None and p.kind is Kind.LIST:
            value = list(value)
        fields[p.column] = value
    return fields


ANY = "*"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A final, unpublished outcome: the day it became final (its period, as in the
    tables) and the coded case values the hierarchies read (``Hierarchy.reads``), never
    a name or free text."""

    case_id: UUID
    finalised_on: date
    values: Mapping[str, Any]

    @classmethod
    def of(cls, case_id: UUID, finalised_on: date, **values: Any) -> Outcome:
        return cls(case_id=case_id, finalised_on=finalised_on, values=values)


class BeyondHierarchy(ValueError):
    """A value the code's hierarchy cannot generalise: the outcome is held back."""


def up(mapping: Mapping[str, str | None], value: str) -> str:
    """One step up the code's hierarchy; a value the code does not know stops here."""
    found = mapping.get(value)
    if not found:
        raise BeyondHierarchy(value)
    return found


def exact(known: Mapping[str, Any] | set[Any], value: Any) -> Any:
    """The value itself, if the code knows it."""
    if value not in known:
        raise BeyondHierarchy(value)
    return value


LevelRule = Callable[[Outcome], Any]


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """One attribute the release planner generalises along the code's hierarchy.

    ``attribute`` is its name in the code's ``publication.hierarchies``; ``reads`` are the case
    values it needs (case columns, or ones ``publication.releases`` derives, such as the
    sanction that stands); ``levels`` gives, for a code version, the value of an outcome
    at each level of the hierarchy (the coarsest, "any", is common to all).
    """

    attribute: str
    reads: tuple[str, ...]
    levels: Callable[[CodeVersion], dict[str, LevelRule]]


def _period(version: CodeVersion) -> dict[str, LevelRule]:
    return {
        "month": lambda o: f"{o.finalised_on.year}-{o.finalised_on.month:02d}",
        "quarter": lambda o: f"{o.finalised_on.year}-Q{(o.finalised_on.month - 1) // 3 + 1}",
        "year": lambda o: str(o.finalised_on.year),
    }


def _provision(version: CodeVersion) -> dict[str, LevelRule]:
    family = {p.id: p.family for p in version.provisions}
    return {
        "provision": lambda o: tuple(sorted(exact(family, p) for p in o.values["provisions"])),
        "family": lambda o: tuple(sorted({up(family, p) for p in o.values["provisions"]})),
    }


def _form_of_hate(version: CodeVersion) -> dict[str, LevelRule]:
    characteristic = {f.id: f.characteristic for f in version.forms_of_hate}
    return {
        "form_of_hate": lambda o: tuple(
            sorted(exact(characteristic, f) for f in o.values["forms_of_hate"])
        ),
        # derived through the hierarchy, never read from the case's own list
        "characteristic": lambda o: tuple(
            sorted({up(characteristic, f) for f in o.values["forms_of_hate"]})
        ),
    }


def _channel(version: CodeVersion) -> dict[str, LevelRule]:
    group = {c.id: c.group for c in version.channels}
    return {
        "channel": lambda o: exact(group, o.values["channel"]),
        "channel_group": lambda o: up(group, o.values["channel"]),
    }


def _respondent_role(version: CodeVersion) -> dict[str, LevelRule]:
    group = {r.id: r.group for r in version.respondent_roles}
    return {
        "respondent_role": lambda o: exact(group, o.values["respondent_role"]),
        "respondent_role_group": lambda o: up(group, o.values["respondent_role"]),
    }


def _severity(version: CodeVersion) -> dict[str, LevelRule]:
    levels = {level.level for level in version.severity.levels}
    return {
        "severity": lambda o: (
            None if o.values["severity"] is None else exact(levels, o.values["severity"])
        ),
    }


def _sanction(version: CodeVersion) -> dict[str, LevelRule]:
    bands = {s: band for band, _, members in version.publication.sanction_bands for s in members}
    return {
        "sanction": lambda o: exact(bands, o.values["sanction"]),
        "sanction_band": lambda o: up(bands, o.values["sanction"]),
    }


HIERARCHIES: tuple[Hierarchy, ...] = (
    Hierarchy("period", (), _period),
    Hierarchy("provision", ("provisions",), _provision),
    Hierarchy("form_of_hate", ("forms_of_hate",), _form_of_hate),
    Hierarchy("channel", ("channel",), _channel),
    Hierarchy("respondent_role", ("respondent_role",), _respondent_role),
    Hierarchy("severity", ("severity",), _severity),
    Hierarchy("sanction", ("sanction",), _sanction),
)
# What every released record carries (attribute -> level), chosen for use: the year it
# became final, its provisions' families and its sanction's band. Everything else is
# counted in the tables only. A record whose class would be under k (or group under l)
# loses values in DROPPED_FIRST order; the year is never dropped (releases are per
# closed year, so it is common to the whole release).
RELEASED: dict[str, str] = {"period": "year", "provision": "family", "sanction": "sanction_band"}
DROPPED_FIRST: tuple[str, ...] = ("sanction", "provision")
OUTCOME_VALUES: tuple[str, ...] = tuple(dict.fromkeys(v for h in HIERARCHIES for v in h.reads))
