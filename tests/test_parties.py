"""The party registry and each party's sanction names on the common ladder."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app as cli
from parties.sanction_mapping import MAPPINGS_DIR
from tests.conftest import GraphQLClient
from tests.helpers import DECIDE_CASE, issue_token, register_party, submit, to_assessment

REGISTER = """
mutation($input: RegisterPartyInput!) {
  registerParty(input: $input) {
    party { slug ecRegistration nations membership codeVersion }
    errors { code field message }
  }
}"""
UPDATE = """
mutation($input: UpdatePartyInput!) {
  updateParty(input: $input) {
    party { slug name shortName ecRegistration nations membership }
    errors { code field message }
  }
}"""
SET_MAPPING = """
mutation($input: SetSanctionMappingInput!) {
  setSanctionMapping(input: $input) {
    party { slug sanctionMapping { name sanction } }
    errors { code field message }
  }
}"""


async def test_registry_facts_are_validated_together(gql: GraphQLClient, admin_token: str) -> None:
    bad = {
        "slug": "Not A Slug",
        "name": " ",
        "ecRegistration": "52",
        "nations": ["england", "cornwall", "england"],
        "membership": 0,
    }
    payload = (await gql.ok(REGISTER, {"input": bad}, token=admin_token))["registerParty"]
    assert payload["party"] is None
    assert sorted(e["code"] for e in payload["errors"]) == [
        "INVALID_MEMBERSHIP",
        "INVALID_NAME",
        "INVALID_NATION",
        "INVALID_NATION",
        "INVALID_REGISTRATION",
        "INVALID_SLUG",
    ]
    nation = next(e for e in payload["errors"] if "cornwall" in e["message"])
    assert "northern_ireland" in nation["message"]
    assert (await gql.ok("{ parties { slug } }"))["parties"] == []

    good = {
        "slug": "rose",
        "name": "Rose Party",
        "ecRegistration": "PP1234",
        "nations": ["scotland", "wales"],
        "membership": 12000,
    }
    party = (await gql.ok(REGISTER, {"input": good}, token=admin_token))["registerParty"]["party"]
    assert party == {
        "slug": "rose",
        "ecRegistration": "PP1234",
        "nations": ["scotland", "wales"],
        "membership": 12000,
        "codeVersion": "1",
    }

    updated = await gql.ok(
        UPDATE,
        {"input": {"party": "rose", "shortName": "Rose", "membership": None, "nations": []}},
        token=admin_token,
    )
    assert updated["updateParty"]["party"] == {
        "slug": "rose",
        "name": "Rose Party",  # not given: unchanged
        "shortName": "Rose",
        "ecRegistration": "PP1234",
        "nations": [],
        "membership": None,
    }
    refused = await gql.ok(
        UPDATE, {"input": {"party": "rose", "ecRegistration": "X"}}, token=admin_token
    )
    assert refused["updateParty"]["errors"][0]["code"] == "INVALID_REGISTRATION"
    missing = await gql.ok(UPDATE, {"input": {"party": "nope", "name": "N"}}, token=admin_token)
    assert missing["updateParty"]["errors"][0]["code"] == "UNKNOWN_PARTY"


async def test_sanction_mapping_is_checked_against_the_code(
    gql: GraphQLClient, admin_token: str
) -> None:
    await register_party(gql, admin_token, "oak")
    bad = [
        {"name": "Reprimand", "sanction": "formal_warning"},
        {"name": "reprimand ", "sanction": "advice"},
        {"name": "", "sanction": "advice"},
        {"name": "Banishment", "sanction": "exile"},
    ]
    payload = (
        await gql.ok(SET_MAPPING, {"input": {"party": "oak", "entries": bad}}, token=admin_token)
    )["setSanctionMapping"]
    errors = {(tuple(e["field"]), e["code"]) for e in payload["errors"]}
    assert errors == {
        (("input", "entries", "1", "name"), "INVALID_SANCTION_NAME"),
        (("input", "entries", "2", "name"), "INVALID_SANCTION_NAME"),
        (("input", "entries", "3", "sanction"), "UNKNOWN_SANCTION"),
    }
    assert any("expulsion" in e["message"] for e in payload["errors"])

    entries = [
        {"name": "Expelled", "sanction": "expulsion"},
        {"name": "Reprimand", "sanction": "formal_warning"},
        {"name": "Caution", "sanction": "formal_warning"},
    ]
    payload = (
        await gql.ok(
            SET_MAPPING, {"input": {"party": "oak", "entries": entries}}, token=admin_token
        )
    )["setSanctionMapping"]
    assert payload["errors"] == []
    assert payload["party"]["sanctionMapping"] == [  # ladder order, then name
        {"name": "Caution", "sanction": "formal_warning"},
        {"name": "Reprimand", "sanction": "formal_warning"},
        {"name": "Expelled", "sanction": "expulsion"},
    ]

    officer = await issue_token(gql, admin_token, "OFFICER", "oak")
    received = await submit(gql, officer, "OAK-1", provisions=["JC4"])  # level 3
    case = await to_assessment(gql, officer, received)

    async def decide(**fields) -> dict:
        payload = {
            "id": case["id"],
            "expectedVersion": case["version"],
            "findings": [{"provision": "JC4", "proven": True}],
            "decidedOn": "2026-05-04",
            **fields,
        }
        return (await gql.ok(DECIDE_CASE_PARTY, {"input": payload}, token=officer))["decideCase"]

    unknown = await decide(partySanction="Flogging")
    assert unknown["errors"][0]["code"] == "UNKNOWN_PARTY_SANCTION"
    assert "Caution, Reprimand, Expelled" in unknown["errors"][0]["message"]
    mismatch = await decide(partySanction="Caution", sanction="advice")
    assert mismatch["errors"][0]["code"] == "SANCTION_MISMATCH"
    neither = await decide()
    assert neither["errors"][0]["code"] == "UNKNOWN_SANCTION"
    done = await decide(partySanction="caution")  # names match case-insensitively
    assert done["errors"] == []
    assert done["case"]["sanction"] == "formal_warning"
    assert done["case"]["partySanction"] == "Caution"


DECIDE_CASE_PARTY = DECIDE_CASE.replace("sanction version", "sanction partySanction version")


@pytest.fixture
def env(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)


def test_cli_update_and_mapping(env: None, tmp_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["party", "add", "--slug", "lantern", "--name", "Lantern"])
    assert added.exit_code == 0, added.output
    updated = runner.invoke(
        cli,
        ["party", "update", "lantern", "--ec-registration", "PP77", "--nation", "wales",
         "--membership", "5000"],
    )  # fmt: skip
    assert updated.exit_code == 0, updated.output
    assert "registration PP77, nations wales, membership 5000" in updated.output
    mapped = runner.invoke(cli, ["party", "mapping", str(MAPPINGS_DIR / "lantern.yaml")])
    assert mapped.exit_code == 0 and "7 sanction names mapped" in mapped.output

    doc = yaml.safe_load((MAPPINGS_DIR / "lantern.yaml").read_text())
    doc["sanctions"][0]["sanction"] = "pillory"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc))
    refused = runner.invoke(cli, ["party", "mapping", str(bad)])
    assert refused.exit_code == 1 and "Unknown sanction 'pillory'" in refused.output
