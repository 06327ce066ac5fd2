"""Coded values in words: what the public reads instead of ids (JC6, social_x, lesser)."""

from __future__ import annotations

from functools import cache

import codes
from cases.reports import REPORTER_KINDS
from publication.attributes import Dimension
from publication.report_statistics import ReportDimension

D = Dimension
DIMENSION_NAMES: dict[Dimension, str] = {
    D.PARTY: "Party",
    D.YEAR: "Year",
    D.QUARTER: "Quarter",
    D.PROVISION: "Provision",
    D.FAMILY: "Family of provisions",
    D.FORM_OF_HATE: "Form of hate",
    D.CHARACTERISTIC: "Protected characteristic",
    D.CHANNEL: "Channel",
    D.CHANNEL_GROUP: "Online or offline",
    D.RESPONDENT_ROLE: "Role of the person complained about",
    D.RESPONDENT_ROLE_GROUP: "Role group of the person complained about",
    D.SEVERITY: "Severity",
    D.SANCTION: "Sanction",
    D.SANCTION_BAND: "Sanction band",
}
ROLE_GROUPS = {
    "member": "Members and volunteers",
    "representative": "Candidates, representatives and office-holders",
    "staff": "Staff",
}
CHANNEL_GROUPS = {"online": "Online", "offline": "Offline"}


@cache
def _titles() -> dict[Dimension, dict[str, str]]:
    """Every version's titles, the version in force first (a renamed term keeps its newest)."""
    found: dict[Dimension, dict[str, str]] = {d: {} for d in Dimension}
    versions = sorted(codes.load_versions().values(), key=lambda v: v.in_force_from, reverse=True)
    for v in versions:
        for term in v.provisions:
            found[D.PROVISION].setdefault(term.id, f"{term.id}: {term.title}")
        for term in v.families:
            found[D.FAMILY].setdefault(term.id, term.title)
        for term in v.forms_of_hate:
            found[D.FORM_OF_HATE].setdefault(term.id, term.title)
        for term in v.characteristics:
            found[D.CHARACTERISTIC].setdefault(term.id, term.title)
        for term in v.channels:
            found[D.CHANNEL].setdefault(term.id, term.title)
        for term in v.respondent_roles:
            found[D.RESPONDENT_ROLE].setdefault(term.id, term.title)
        for term in v.sanctions:
            found[D.SANCTION].setdefault(term.id, term.title)
        for band, title, _ in v.publication.sanction_bands:
            found[D.SANCTION_BAND].setdefault(band, title)
        for level in v.severity.levels:
            found[D.SEVERITY].setdefault(str(level.level), f"{level.level}: {level.title}")
    found[D.CHANNEL_GROUP].update(CHANNEL_GROUPS)
    found[D.RESPONDENT_ROLE_GROUP].update(ROLE_GROUPS)
    return found


def value_words(dimension: Dimension, value: object, party_names: dict[str, str]) -> str:
    """A cell's value as the public reads it; a value no version names stays as it is."""
    if value is None:
        return "All"
    if dimension is D.PARTY:
        return party_names.get(str(value), str(value))
    return _titles()[dimension].get(str(value), str(value))


ELECTION_PERIODS = {
    "general": "In a general election period",
    "local": "In a local election period",
    "none": "Outside an election period",
}
REPORT_OUTCOMES = {
    "open": "Waiting for the party",
    "accepted": "Taken up as a case",
    "withdrawn": "Withdrawn by the reporter",
}


def report_outcome_words(outcome: object) -> str:
    value = str(outcome)
    if value.startswith("declined_"):
        reason = value.removeprefix("declined_")
        titles = {r.id: r.title for v in codes.load_versions().values()
                  for r in v.out_of_scope_reasons}  # fmt: skip
        return f"Declined: {titles.get(reason, reason)}"
    return REPORT_OUTCOMES.get(value, value)


def report_value_words(dimension: ReportDimension, value: object) -> str:
    """A report count's value as the public reads it (the same words as the outcomes')."""
    R = ReportDimension
    if dimension is R.OUTCOME:
        return report_outcome_words(value)
    if dimension is R.REPORTER_KIND:
        return REPORTER_KINDS.get(str(value), str(value))
    if dimension is R.ELECTION_PERIOD:
        return ELECTION_PERIODS.get(str(value), str(value))
    if dimension is R.CHANNEL_GROUP and value == "other":
        return "Other"
    return value_words(Dimension(dimension.value), value, {})
