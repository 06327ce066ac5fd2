"""`jointcode code validate`: every problem at once, each with its path."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from api.cli import app
from codes.loader import VERSIONS_DIR, CodeFileError, parse_version
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
