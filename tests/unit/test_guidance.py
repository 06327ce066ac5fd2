"""Severity and sanction guidance: a table of factor combinations, GraphQL and the CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import codes
from cli import app
from codes.errors import CodeInputError
from codes.guidance import sanction_guidance

V1 = codes.get_version("1")
assert V1 is not None

# provisions, factors -> base, net movement, level, recommended lowest, highest
TABLE = [
    (["JC10"], [], 1, 0, 1, "no_further_action", "mandatory_training"),
    (["JC10"], ["repeated"], 1, 1, 2, "advice", "suspension"),
    (["JC10"], ["repeated", "wide_audience"], 1, 2, 3, "formal_warning", "bar_from_office"),
    # +4 is capped at +2
    (["JC10"], ["previous_sanction", "repeated", "wide_audience"], 1, 4, 3, "formal_warning",
     "bar_from_office"),
    # below level 1 is kept at 1
    (["JC10"], ["apology"], 1, -1, 1, "no_further_action", "mandatory_training"),
    (["JC6"], ["apology"], 2, -1, 1, "no_further_action", "mandatory_training"),
    # -2 is capped at -1
    (["JC6"], ["apology", "first_offence"], 2, -2, 1, "no_further_action",
     "mandatory_training"),
    (["JC6"], ["repeated", "apology"], 2, 0, 2, "advice", "suspension"),
    (["JC6"], ["previous_sanction"], 2, 2, 4, "suspension", "expulsion"),
    # above the top level is kept at 4
    (["JC3"], ["repeated"], 4, 1, 4, "suspension", "expulsion"),
    # serious mitigation still leaves threats of violence at level 3
    (["JC3"], ["apology", "first_offence", "removed_promptly"], 4, -3, 3, "formal_warning",
     "bar_from_office"),
    (["JC1", "JC3"], [], 4, 0, 4, "suspension", "expulsion"),
    (["JC2"], ["position_of_trust", "election_period", "apology"], 3, 1, 4, "suspension",
     "expulsion"),
    (["JC11", "JC9"], ["targeted_characteristic"], 2, 1, 3, "formal_warning",
     "bar_from_office"),
]  # fmt: skip


@pytest.mark.parametrize(("provisions", "factors", "base", "net", "level", "low", "high"), TABLE)
def test_guidance_table(
    provisions: list[str], factors: list[str], base: int, net: int, level: int, low: str, high: str
) -> None:
    g = sanction_guidance(V1, provisions=provisions, factors=factors)
    assert (g.base_level, g.net_movement, g.level) == (base, net, level)
    assert (g.lowest.id, g.highest.id) == (low, high)
    assert g.applied_movement == level - base
    ranks = [s.rank for s in g.recommended]
    assert ranks == list(range(g.lowest.rank or 0, (g.highest.rank or 0) + 1))
    # the explanation names every factor and ends with the level reached
    for factor in factors:
        title = V1.term("factors", factor).title  # type: ignore[union-attr]
        assert any(line.startswith(title) for line in g.explanation)
    assert g.explanation[-1].startswith(f"Level {level} ")


def test_explanation_says_when_capped_and_kept_within_levels() -> None:
    capped = sanction_guidance(V1, provisions=["JC6"], factors=["apology", "first_offence"])
    assert any("Capped at -1" in line for line in capped.explanation)
    kept = sanction_guidance(V1, provisions=["JC3"], factors=["repeated"])
    assert any("Kept within the levels 1 to 4" in line for line in kept.explanation)
    both = sanction_guidance(V1, provisions=["JC4", "JC5"])
    assert both.base_provisions == ("JC4", "JC5")
    assert (
        both.explanation[0] == "Base severity 3 (Serious) from JC4 Hateful language, JC5 "
        "Discrimination."
    )


def test_every_problem_is_reported_with_allowed_ids() -> None:
    with pytest.raises(CodeInputError) as caught:
        sanction_guidance(
            V1, provisions=["JC1", "JC1", "JC99"], factors=["apology", "apology", "charm"]
        )
    codes_found = sorted(p.code.name for p in caught.value.problems)
    assert codes_found == [
        "DUPLICATE_FACTOR",
        "DUPLICATE_PROVISION",
        "UNKNOWN_FACTOR",
        "UNKNOWN_PROVISION",
    ]
    unknown_factor = next(p for p in caught.value.problems if p.code.name == "UNKNOWN_FACTOR")
    assert "'charm'" in unknown_factor.message and "previous_sanction" in unknown_factor.message
    with pytest.raises(CodeInputError) as empty:
        sanction_guidance(V1, provisions=[])
    assert "JC1" in empty.value.problems[0].message


def test_cli_guidance() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["code", "guidance", "-p", "JC3", "-f", "apology"])
    assert shown.exit_code == 0, shown.output
    assert "severity level 3" in shown.output and "Prompt and genuine apology" in shown.output
    bad = runner.invoke(app, ["code", "guidance", "-p", "JC3", "-f", "charm"])
    assert bad.exit_code == 1 and "Unknown factor 'charm'" in bad.output
