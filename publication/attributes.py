"""The registry of what may be published about an outcome: one entry per published value.

Everything public about outcomes is derived from this file, and only from it:
- the published record's columns: ``PUBLISHED_COLUMNS``, ``published_fields``, and the
  stored table's columns (``publication.models.PublishedValues``);
- the statistics dimensions: ``Dimension``, the tables that may use them, and the
  GraphQL enum, filter and row types;
- the GraphQL ``PublishedRecord`` type;
- the open-data columns and their data dictionary.

To publish a new value, add its ``Dimension`` member and its ``Published`` entry here.
Then write the migration that adds its column (and its expression to
``refresh_statistics`` if it is counted), and add its awkward cases to the property
tests. If it needs a new hierarchy, also give the planner its levels
(``publication.anonymise._level_functions``) and the code its hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


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
REGISTRY: tuple[Published, ...] = (
    Published("period", "period", None, Kind.TEXT,
              "Month (2026-03), quarter (2026-Q1) or year (2026) of the decision, whichever "
              "the release published; empty if not published."),
    Published("quarter", "period", "quarter", Kind.TEXT,
              "Quarter of the decision, when published at quarter level or finer.",
              D.QUARTER, "Quarter of the decision (2026-Q1)."),
    Published("year", "period", "year", Kind.INTEGER,
              "Year of the decision, when published at year level or finer.",
              D.YEAR, "Year of the decision."),
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

PUBLISHED_COLUMNS: tuple[str, ...] = tuple(p.column for p in REGISTRY)
# Published values about the sanction: a group equal in all the others must show at
# least l sanction bands.
SANCTION_COLUMNS: tuple[str, ...] = tuple(p.column for p in REGISTRY if p.attribute == "sanction")
PARTY_DESCRIPTION = "The party's slug; empty in all-party tables."
# a dimension's Python type, for filters and rows
DIMENSION_KINDS: dict[Dimension, Kind] = {
    D.PARTY: Kind.TEXT,
    **{
        p.dimension: (Kind.TEXT if p.kind is Kind.LIST else p.kind)
        for p in REGISTRY
        if p.dimension is not None
    },
}
DIMENSION_DESCRIPTIONS: dict[Dimension, str] = {
    D.PARTY: PARTY_DESCRIPTION,
    **{
        p.dimension: p.dimension_description or p.description
        for p in REGISTRY
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
    for p in REGISTRY:
        levels = record.get(p.attribute, {})
        value = next(iter(levels.values()), None) if p.level is None else levels.get(p.level)
        if value is not None and p.kind is Kind.INTEGER:
            value = int(value)
        elif value is not None and p.kind is Kind.LIST:
            value = list(value)
        fields[p.column] = value
    return fields
