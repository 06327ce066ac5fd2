"""Severity and sanction guidance: what the code recommends for proven provisions and factors.

Pure and deterministic, so an officer sees before deciding exactly what the service
will store with the decision, and every step of the arithmetic is explained.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codes.errors import CodeErrorCode, CodeInputError, InputProblem, unknown
from codes.model import CodeVersion, Term


@dataclass(frozen=True, slots=True)
class AppliedFactor:
    factor: Term
    aggravating: bool

    @property
    def movement(self) -> int:
        weight = self.factor.weight or 0
        return weight if self.aggravating else -weight


@dataclass(frozen=True, slots=True)
class Guidance:
    version: str
    base_level: int
    base_provisions: tuple[str, ...]
    factors: tuple[AppliedFactor, ...]
    net_movement: int
    applied_movement: int
    level: int
    level_title: str
    lowest: Term
    highest: Term
    recommended: tuple[Term, ...]
    explanation: tuple[str, ...]

    def within_range(self, sanction: Term) -> bool:
        return (self.lowest.rank or 0) <= (sanction.rank or 0) <= (self.highest.rank or 0)


def check_terms(
    version: CodeVersion,
    *,
    provisions: Sequence[str],
    factors: Sequence[str],
    provisions_field: str = "provisions",
    factors_field: str = "factors",
) -> list[InputProblem]:
    """Every problem with the provision and factor ids, each listing the allowed ids."""
    problems: list[InputProblem] = []
    if not provisions:
        problems.append(
            InputProblem(
                CodeErrorCode.UNKNOWN_PROVISION,
                f"Name at least one provision; allowed: {', '.join(version.provision_ids)}.",
                (provisions_field,),
            )
        )
    if len(set(provisions)) != len(provisions):
        problems.append(
            InputProblem(
                CodeErrorCode.DUPLICATE_PROVISION,
                "A provision is listed twice.",
                (provisions_field,),
            )
        )
    problems += [
        unknown(
            CodeErrorCode.UNKNOWN_PROVISION,
            "provision",
            p,
            version.provision_ids,
            (provisions_field,),
        )
        for p in provisions
        if p not in version.provision_ids
    ]
    if len(set(factors)) != len(factors):
        problems.append(
            InputProblem(
                CodeErrorCode.DUPLICATE_FACTOR, "A factor is listed twice.", (factors_field,)
            )
        )
    problems += [
        unknown(CodeErrorCode.UNKNOWN_FACTOR, "factor", f, version.factor_ids, (factors_field,))
        for f in factors
        if f not in version.factor_ids
    ]
    return problems


def sanction_guidance(
    version: CodeVersion, *, provisions: Sequence[str], factors: Sequence[str] = ()
) -> Guidance:
    """The severity level and recommended sanction range for proven provisions and factors.

    Raises CodeInputError listing every unknown or repeated id.
    """
    problems = check_terms(version, provisions=provisions, factors=factors)
    if problems:
        raise CodeInputError(problems)
    guide = version.severity
    by_id = {p.id: p for p in version.provisions}
    base = max(by_id[p].base_severity or 1 for p in provisions)
    base_provisions = tuple(p for p in provisions if by_id[p].base_severity == base)
    aggravating = {f.id for f in guide.aggravating}
    applied = tuple(
        AppliedFactor(factor=version.term("factors", f), aggravating=f in aggravating)  # type: ignore[arg-type]  # ids checked above: never None
        for f in factors
    )
    net = sum(a.movement for a in applied)
    movement = max(-guide.max_down, min(guide.max_up, net))
    top = max(level.level for level in guide.levels)
    level_number = max(1, min(top, base + movement))
    level = guide.level(level_number)
    lowest = version.sanction(level.lowest)
    highest = version.sanction(level.highest)
    assert lowest is not None and highest is not None  # validated when the file was loaded

    explanation = [
        f"Base severity {base} ({guide.level(base).title}) from "
        + ", ".join(f"{p} {by_id[p].title}" for p in base_provisions)
        + "."
    ]
    for item in applied:
        kind = "aggravating" if item.aggravating else "mitigating"
        explanation.append(f"{item.factor.title} ({kind}): {item.movement:+d}.")
    if applied:
        explanation.append(f"Net movement {net:+d}.")
    if movement != net:
        explanation.append(
            f"Capped at {movement:+d}: factors move the level at most {guide.max_up} up and "
            f"{guide.max_down} down."
        )
    if base + movement != level_number:
        explanation.append(f"Kept within the levels 1 to {top}.")
    explanation.append(
        f"Level {level_number} ({level.title}): recommended from {lowest.title} to {highest.title}."
    )
    return Guidance(
        version=version.id,
        base_level=base,
        base_provisions=base_provisions,
        factors=applied,
        net_movement=net,
        applied_movement=level_number - base,
        level=level_number,
        level_title=level.title,
        lowest=lowest,
        highest=highest,
        recommended=tuple(
            s
            for s in version.sanctions
            if (lowest.rank or 0) <= (s.rank or 0) <= (highest.rank or 0)
        ),
        explanation=tuple(explanation),
    )
