"""Several code versions: adoption with a date, case pinning, immutability of adopted files."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from typer.testing import CliRunner

import codes
from api.app import create_app
from cli import app as cli
from codes.loader import VERSIONS_DIR, CodeFileError
from db import code_versions
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_CASE, case_input, issue_token

ADOPT = """
mutation($input: AdoptCodeInput!) {
  adoptCode(input: $input) {
    party { slug codeVersion codeAdoptedOn adoptions { codeVersion adoptedOn } }
    errors { code field message }
  }
}"""
REGISTER = """
mutation($input: RegisterPartyInput!) {
  registerParty(input: $input) {
    party { slug codeVersion codeAdoptedOn } errors { code field message }
  }
}"""
PARTIES = "{ parties { slug codeVersion adoptions { codeVersion adoptedOn } } }"


@pytest.fixture
def two_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Version 1 as shipped plus a draft version 2 with a new provision, JC14."""
    shutil.copy(VERSIONS_DIR / "joint-code-1.yaml", tmp_path / "joint-code-1.yaml")
    doc = yaml.safe_load((VERSIONS_DIR / "joint-code-1.yaml").read_text())
    doc["id"] = "2"
    doc["in_force_from"] = "2026-06-01"
    doc["provisions"].append(
        {
            "id": "JC14",
            "title": "Fabricated or manipulated media",
            "text": "A member must not make or share fabricated images, audio or video of anyone.",
            "family": "abuse",
            "base_severity": 3,
        }
    )
    (tmp_path / "joint-code-2.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    monkeypatch.setenv("JOINTCODE_CODES_DIR", str(tmp_path))
    codes.loader.reload()
    yield tmp_path
    monkeypatch.delenv("JOINTCODE_CODES_DIR")
    codes.loader.reload()


@pytest.fixture
async def forget_version_2(owner_db: Database, _emptying: str) -> Any:
    yield
    async with owner_db.transaction() as session:
        await session.execute(text(_emptying))
        await session.execute(text("DELETE FROM code_versions WHERE id <> '1'"))


async def _adopt(gql: GraphQLClient, admin: str, **values: str) -> dict:
    return (await gql.ok(ADOPT, {"input": values}, token=admin))["adoptCode"]


async def test_cases_stay_on_the_version_in_force_when_received(
    gql: GraphQLClient, admin_token: str, two_versions: Path, forget_version_2: None
) -> None:
    registered = await gql.ok(
        REGISTER,
        {"input": {"slug": "alpha", "name": "Alpha", "adoptedOn": "2025-03-01"}},
        token=admin_token,
    )
    assert registered["registerParty"]["party"] == {
        "slug": "alpha",
        "codeVersion": "1",  # version 2 is not in force on 2025-03-01
        "codeAdoptedOn": "2025-03-01",
    }
    adopted = await _adopt(gql, admin_token, party="alpha", codeVersion="2", adoptedOn="2026-07-01")
    assert adopted["errors"] == []
    assert adopted["party"]["codeVersion"] == "2"
    assert adopted["party"]["adoptions"] == [
        {"codeVersion": "1", "adoptedOn": "2025-03-01"},
        {"codeVersion": "2", "adoptedOn": "2026-07-01"},
    ]
    officer = await issue_token(gql, admin_token, "OFFICER", "alpha")

    async def submit(reference: str, received: str, provisions: list[str]) -> dict:
        values = case_input(reference, receivedOn=received, provisions=provisions)
        return (await gql.ok(SUBMIT_CASE_V, {"input": values}, token=officer))["submitCase"]

    before = await submit("A-1", "2026-06-30", ["JC1"])
    assert before["case"]["codeVersion"] == "1"
    on_the_day = await submit("A-2", "2026-07-01", ["JC14"])
    assert on_the_day["case"]["codeVersion"] == "2"
    history = await submit("A-0", "2024-01-15", ["JC1"])  # before the first adoption
    assert history["case"]["codeVersion"] == "1"

    # JC14 exists only in version 2: a case received under version 1 may not name it
    refused = await submit("A-3", "2026-06-30", ["JC14"])
    [error] = refused["errors"]
    assert error["code"] == "UNKNOWN_PROVISION"
    assert "JC13." in error["message"] and "JC14," not in error["message"]

    # the pin is for ever: a later adoption does not move existing cases
    await _adopt(gql, admin_token, party="alpha", codeVersion="1", adoptedOn="2026-09-01")
    cases = await gql.ok(
        "{ cases(first: 10) { edges { node { reference codeVersion } } } }", token=officer
    )
    pinned = {e["node"]["reference"]: e["node"]["codeVersion"] for e in cases["cases"]["edges"]}
    assert pinned == {"A-0": "1", "A-1": "1", "A-2": "2"}


SUBMIT_CASE_V = SUBMIT_CASE.replace("receivedOn }", "receivedOn codeVersion }")


async def test_adoption_errors_change_nothing(
    gql: GraphQLClient, admin_token: str, two_versions: Path, forget_version_2: None
) -> None:
    await gql.ok(
        REGISTER,
        {"input": {"slug": "beta", "name": "Beta", "adoptedOn": "2026-06-10"}},
        token=admin_token,
    )
    before = await gql.ok(PARTIES)
    attempts = [
        ({"party": "beta", "codeVersion": "9", "adoptedOn": "2026-08-01"}, "UNKNOWN_CODE_VERSION",
         "known versions: 1, 2"),
        ({"party": "beta", "codeVersion": "2", "adoptedOn": "2026-05-31"}, "INVALID_ADOPTION_DATE",
         "in force from 2026-06-01"),
        ({"party": "beta", "codeVersion": "1", "adoptedOn": "2026-06-10"}, "INVALID_ADOPTION_DATE",
         "must be later"),
        ({"party": "gamma", "codeVersion": "2", "adoptedOn": "2026-08-01"}, "UNKNOWN_PARTY",
         "No party 'gamma'"),
    ]  # fmt: skip
    for values, code, message in attempts:
        result = await _adopt(gql, admin_token, **values)
        assert result["party"] is None
        [error] = result["errors"]
        assert error["code"] == code and message in error["message"], error

    # beta registered on 2026-06-10 gets the version in force then: version 2
    again = await _adopt(gql, admin_token, party="beta", codeVersion="2", adoptedOn="2026-08-01")
    assert again["errors"][0]["code"] == "ALREADY_ADOPTED"
    assert await gql.ok(PARTIES) == before

    officer = await issue_token(gql, admin_token, "OFFICER", "beta")
    body = await gql(
        ADOPT,
        {"input": {"party": "beta", "codeVersion": "1", "adoptedOn": "2026-09-01"}},
        token=officer,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _start(app: Any) -> dict:
    """Run the ASGI lifespan start-up as a server would; return what the app answered."""
    messages = iter([{"type": "lifespan.startup"}])
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    try:
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    except Exception as exc:  # Starlette re-raises after reporting the failure
        sent.append({"type": "raised", "message": str(exc)})
    return sent[0]


async def test_a_version_file_changed_after_adoption_is_refused(
    gql: GraphQLClient,
    admin_token: str,
    db: Database,
    owner_url: str,
    two_versions: Path,
    forget_version_2: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await gql.ok(
        REGISTER,
        {"input": {"slug": "delta", "name": "Delta", "codeVersion": "1"}},
        token=admin_token,
    )
    adopted = await _adopt(gql, admin_token, party="delta", codeVersion="2", adoptedOn="2027-01-01")
    assert adopted["errors"] == []

    draft = two_versions / "joint-code-2.yaml"
    draft.write_text(draft.read_text().replace("Fabricated or manipulated", "Manipulated"))
    codes.loader.reload()

    async with db.transaction() as session:
        with pytest.raises(CodeFileError, match="an adopted version is immutable"):
            await code_versions.check(session=session)
    started = await _start(create_app(db))
    assert started["type"] == "lifespan.startup.failed"
    assert "code version 2 was recorded with hash" in started["message"]

    monkeypatch.setenv("DATABASE_URL", owner_url)
    migrate = await asyncio.to_thread(CliRunner().invoke, cli, ["migrate"])  # its own loop
    assert migrate.exit_code == 1
    assert "an adopted version is immutable" in migrate.output

    registered = await gql.ok(
        REGISTER, {"input": {"slug": "eps", "name": "Eps"}}, token=admin_token
    )
    assert registered["registerParty"]["errors"][0]["code"] == "CODE_VERSION_CHANGED"
    await gql.ok(
        REGISTER, {"input": {"slug": "eps", "name": "Eps", "codeVersion": "1"}}, token=admin_token
    )
    refused = await _adopt(gql, admin_token, party="eps", codeVersion="2", adoptedOn="2027-01-01")
    assert refused["errors"][0]["code"] == "CODE_VERSION_CHANGED"

    # an adopted version's file may not disappear either
    draft.unlink()
    codes.loader.reload()
    async with db.transaction() as session:
        with pytest.raises(CodeFileError, match="adopted by a party but no file defines them"):
            await code_versions.check(session=session)


def test_cli_adopt_and_list(
    owner_url: str, two_versions: Path, forget_version_2: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    runner = CliRunner()
    listed = runner.invoke(cli, ["code", "list"])
    assert listed.exit_code == 0 and "in force from" in listed.output.splitlines()[1]
    assert any(line.split()[:2] == ["2", "2026-06-01"] for line in listed.output.splitlines())
    added = runner.invoke(
        cli, ["party", "add", "--slug", "zeta", "--name", "Zeta", "--adopted-on", "2025-05-01"]
    )
    assert added.exit_code == 0 and "from 2025-05-01" in added.output, added.output
    adopted = runner.invoke(cli, ["party", "adopt", "zeta", "2", "--on", "2026-07-01"])
    assert adopted.exit_code == 0, adopted.output
    assert "zeta adopts code version 2 from 2026-07-01" in adopted.output
    again = runner.invoke(cli, ["party", "adopt", "zeta", "2", "--on", "2026-08-01"])
    assert again.exit_code == 1 and "already adopted" in again.output


async def test_a_draft_no_party_adopted_may_still_change(
    db: Database, two_versions: Path, forget_version_2: None
) -> None:
    draft = two_versions / "joint-code-2.yaml"
    draft.write_text(draft.read_text().replace("Fabricated or manipulated", "Manipulated"))
    codes.loader.reload()
    async with db.transaction() as session:
        await code_versions.check(session=session)  # nothing recorded for 2: no refusal
        recorded = await session.scalars(text("SELECT id FROM code_versions ORDER BY id"))
        assert "2" not in list(recorded)
