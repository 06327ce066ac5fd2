"""Every download validates against its published Frictionless Data Package (issue 22):
the columns, their types, the licence, and that no count is below k."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from frictionless import Package

from codes import clock
from db.session import Database
from publication import report_statistics
from tests.conftest import GraphQLClient
from tests.helpers import decide, issue_token, publish, publish_statistics, register_party, submit
from tests.test_reports import _file

FILES = ("outcomes.csv", "statistics.csv", "report-statistics.csv")


async def test_every_download_validates_against_the_data_package(
    gql: GraphQLClient, client: httpx.AsyncClient, admin_token: str, owner_db: Database,
    tmp_path: Path,
) -> None:  # fmt: skip
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(12):
        await decide(gql, officer, await submit(gql, officer, f"C-{n}"))
        await decide(gql, officer, await submit(gql, officer, f"S-{n}"), sanction="suspension",
                     suspensionMonths=6)  # fmt: skip
    assert (await publish(gql, officer))["errors"] == []
    await publish_statistics(owner_db)
    for n in range(12):
        await _file(gql, whatHappened=f"Report {n}.")
    async with owner_db.transaction() as session:
        await report_statistics.publish_edition(session=session, edition=f"{clock.today().year}-Q4")

    descriptor = (await client.get("/open-data/datapackage.json")).json()
    assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"
    assert [r["path"] for r in descriptor["resources"]] == list(FILES)
    rows = {}
    for name in FILES:
        body = (await client.get(f"/open-data/{name}")).text
        (tmp_path / name).write_text(body)
        rows[name] = body.strip().count("\n")
    assert all(rows.values()), rows  # every file holds data, so every schema is exercised

    def check() -> Any:
        return Package(descriptor, basepath=str(tmp_path)).validate()

    report = check()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    # a count below k, or a column the schema does not name, fails the validation
    statistics = (tmp_path / "statistics.csv").read_text().splitlines()
    statistics[1] = statistics[1].rsplit(",", 1)[0] + ",3"
    (tmp_path / "statistics.csv").write_text("\n".join(statistics) + "\n")
    broken = check()
    assert not broken.valid
    assert "constraint-error" in {e[2] for e in broken.flatten(["rowNumber", "fieldName", "type"])}
