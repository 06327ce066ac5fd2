"""`jointcode code validate`: every problem at once, each with its path."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from cli import app
from codes.loader import VERSIONS_DIR, CodeFileError, parse_version
from codes.validation import Problem as validation_problem
from codes.validation import validate_document

V1 = VERSIONS_DIR / "joint-code-1.yaml"


def _v1() -> dict:
    return yaml.safe_load(V1.read_text())


def test_shipped_version_is_valid() -> None:
    assert validate_document(_v1()) == []


def test_every_problem_is_reported_with_its_path() -> None:
    doc = _v1()
    doc["provisions"][1]["id"] = "JC1"  # duplicate id
    doc["provisions"][2]["family"] = "gossip"  # unknown reference
    doc["forms_of_hate"][0]["characteristic"] = "height"
    doc["severity"]["levels"][0]["recommended"] = ["advice", "banishment"]
    doc["severity"]["levels"][1]["recommended"] = ["expulsion", "advice"]
    doc["deadlines"]["decide"] = 0
    doc["publication"]["hierarchies"]["channel"] = ["channel", "channel_group"]
    doc["publication"]["k"] = 1
    del doc["title"]
    problems = {p.path: p.message for p in validate_document(doc)}
    assert problems == {
        "title": "missing",
        "provisions[1].id": "duplicate id 'JC1'",
        "provisions[2].family": problems["provisions[2].family"],
        "forms_of_hate[0].characteristic": problems["forms_of_hate[0].characteristic"],
        "severity.levels[0].recommended": "sanction range out of the ladder: banishment",
        "severity.levels[1].recommended": "lowest sanction is above the highest",
        "deadlines.decide": "must be a positive number of days, not 0",
        "publication.hierarchies.channel": 'hierarchy must end at "any"',
        "publication.k": "must be a whole number >= 2, not 1",
    }
    assert "unknown reference 'gossip'" in problems["provisions[2].family"]
    assert "harassment" in problems["provisions[2].family"]


def test_cli_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(app, ["code", "validate", str(V1)])
    assert good.exit_code == 0 and "valid code version 1" in good.output

    doc = _v1()
    doc["deadlines"]["triage"] = -3
    doc["sanctions"][1]["rank"] = 0
    bad_file = tmp_path / "draft.yaml"
    bad_file.write_text(yaml.safe_dump(doc))
    bad = runner.invoke(app, ["code", "validate", str(bad_file)])
    assert bad.exit_code == 1
    assert "2 problem(s)" in bad.output
    assert "deadlines.triage" in bad.output and "sanctions[1].rank" in bad.output


def test_loader_refuses_an_invalid_file() -> None:
    doc = _v1()
    doc["provisions"][0]["base_severity"] = 9
    try:
        parse_version(yaml.safe_dump(doc), source="draft.yaml")
    except CodeFileError as exc:
        assert [p.path for p in exc.problems] == ["provisions[0].base_severity"]
    else:
        raise AssertionError("an invalid version was accepted")


def test_severity_publication_and_scope_problems() -> None:
    doc = _v1()
    doc["scope"]["persons"].append("mascot")
    doc["channels"][0].pop("group")
    doc["severity"]["levels"][3]["level"] = 7
    doc["severity"]["aggravating"][0]["weight"] = 0
    doc["severity"]["mitigating"].append(
        {"id": "repeated", "title": "Also mitigating", "weight": 1}
    )
    doc["severity"]["adjustment"]["max_down"] = -1
    doc["deadlines"]["reply_eventually"] = 400
    doc["publication"]["hierarchies"]["shoe_size"] = ["shoe_size", "any"]
    doc["publication"]["never_published"].append("channel")
    doc["publication"]["hierarchies"]["channel"] = ["channel", "channel_group", "any"]
    doc["publication"]["time_to_decision_bands"] = [[0, 90], [100, None]]
    problems = {p.path: p.message for p in validate_document(doc)}
    assert set(problems) == {
        "scope.persons[6]",
        "channels[0].group",
        "severity.levels",
        "severity.aggravating[0].weight",
        "severity.mitigating[3].id",
        "severity.adjustment.max_down",
        "deadlines.reply_eventually",
        "publication.hierarchies.shoe_size",
        "publication.never_published[6]",
        "publication.time_to_decision_bands[1]",
        # provisions of base severity 4 now name a level that does not exist
        "provisions[2].base_severity",
        "provisions[11].base_severity",
    }, problems
    assert "unknown reference 'mascot'" in problems["scope.persons[6]"]
    assert problems["severity.mitigating[3].id"] == "'repeated' is already listed under aggravating"
    assert "numbered 1 to 4" in problems["severity.levels"]
    assert "[91, upper days]" in problems["publication.time_to_decision_bands[1]"]


def test_structural_problems_do_not_crash_the_validator() -> None:
    assert validate_document([1, 2]) == [validation_problem("(file)", "must be a YAML mapping")]
    doc = _v1()
    doc["severity"] = "harsh"
    doc["in_force_from"] = "next tuesday"
    doc["sanctions"][4]["requires_length"] = "yes"
    del doc["deadlines"]
    problems = {p.path: p.message for p in validate_document(doc)}
    assert problems == {
        "deadlines": "missing",
        "in_force_from": "must be a date (YYYY-MM-DD), not 'next tuesday'",
        "sanctions[4].requires_length": "must be true or false",
        "severity": "must be a mapping",
    }


def test_an_unquoted_comma_in_a_title_is_caught() -> None:
    text = V1.read_text().replace(
        'title: "Print (leaflets, letters)"', "title: Print (leaflets, letters)"
    )
    problems = validate_document(yaml.safe_load(text))
    assert [p.path for p in problems] == ["channels[11].letters)"]
    assert "in quotes" in problems[0].message


def test_sanction_bands_cover_the_ladder_once() -> None:
    doc = _v1()
    bands = doc["publication"]["sanction_bands"]
    bands[0]["sanctions"] = ["no_further_action", "advice"]  # advice twice
    bands[3]["sanctions"] = ["bar_from_office", "banishment"]  # unknown; expulsion missing
    problems = {p.path: p.message for p in validate_document(doc)}
    assert "already in band 'none'" in problems["publication.sanction_bands[1].sanctions"]
    assert (
        "unknown reference 'banishment'" in problems["publication.sanction_bands[3].sanctions[1]"]
    )
    assert (
        problems["publication.sanction_bands"] == "every sanction needs a band; missing: expulsion"
    )
