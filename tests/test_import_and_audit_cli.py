"""CSV import (including a rerun after an interruption), finalising, and `audit verify`."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from typer.testing import CliRunner

from api.app import create_app
from cases import importing
from cli import app as cli
from db.session import Database
from tests.conftest import GraphQLClient
from tests.helpers import CASES, decide, issue_token, register_party, submit

runner = CliRunner()


@pytest.fixture
def env(owner_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)
    monkeypatch.setenv("JOINTCODE_METRICS_DIR", str(tmp_path / "metrics"))


async def _job_samples(tmp_path: Path, db: Database) -> dict[tuple[str, tuple], float]:
    """What the service's /metrics shows of the jobs' files (read over ASGI)."""
    app = create_app(db, metrics_dir=tmp_path / "metrics", background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = (await http.get("/metrics")).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(page)
        for s in family.samples
        if s.name.startswith("jointcode_job_")
    }


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=importing.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "reference": f"H-{n:05d}",
        "received_on": "2025-06-01",
        "provisions": "JC1;JC6",
        "channel": "email",
        "respondent_role": "member",
        "target_role": "candidate",
        "characteristics": "",
        "forms_of_hate": "misogyny",
        "complainant_count": "2",
        "respondent_ref": f"M{n % 40}",
        "acknowledged_on": "2025-06-02",
        "summary": "history",
    }
    row.update(overrides)
    return {k: row.get(k, "") for k in importing.COLUMNS}


async def _count(owner_db: Database) -> int:
    async with owner_db.transaction() as session:
        return await session.scalar(text("SELECT count(*) FROM cases"))


async def test_import_reports_and_reruns_without_duplicates(
    env: None, tmp_path: Path, owner_db: Database, db: Database
) -> None:
    assert (await asyncio.to_thread(
        runner.invoke, cli, ["party", "add", "--slug", "hist", "--name", "History"]
    )).exit_code == 0  # fmt: skip
    rows = [_row(n) for n in range(1, 1201)]
    rows[10] = _row(11, received_on="2025-13-01")
    rows[20] = _row(21, provisions="JC77")
    rows[30] = _row(31, complainant_count="many")
    source = tmp_path / "history.csv"
    # an interrupted first run: only the first 700 rows were there
    _write(source, rows[:700])
    first = await asyncio.to_thread(runner.invoke, cli, ["import", "cases", str(source),
                                                         "--party", "hist"])  # fmt: skip
    assert first.exit_code == 2, first.output  # some rows were rejected
    assert "created 697, already present 0, rejected 3 row(s)" in first.output
    _write(source, rows)
    second = await asyncio.to_thread(runner.invoke, cli, ["import", "cases", str(source),
                                                          "--party", "hist"])  # fmt: skip
    assert "created 500, already present 697, rejected 3 row(s)" in second.output, second.output
    assert await _count(owner_db) == 1197
    jobs = await _job_samples(tmp_path, db)
    assert jobs[("jointcode_job_last_items", (("job", "import"), ("kind", "created")))] == 500
    assert jobs[("jointcode_job_last_items", (("job", "import"), ("kind", "rejected")))] == 3
    # the import ran: a success; its rejected rows are their own gauge (above), not a failure
    assert jobs[("jointcode_job_last_success", (("job", "import"),))] == 1
    assert jobs[("jointcode_job_last_duration_seconds", (("job", "import"),))] > 0
    with (tmp_path / "history.rejected.csv").open() as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["line"], r["column"]) for r in rejected] == [
        ("12", "received_on"), ("22", "provisions"), ("32", "complainant_count")]  # fmt: skip
    assert "not a date" in rejected[0]["reason"]
    assert "Unknown provision 'JC77'" in rejected[1]["reason"]
    assert "not a whole number" in rejected[2]["reason"]

    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("ref,when\nA,2025-01-01\n")
    refused = await asyncio.to_thread(runner.invoke, cli, ["import", "cases", str(bad_header),
                                                           "--party", "hist"])  # fmt: skip
    assert refused.exit_code == 1 and "the header must name columns" in refused.output


def _spreadsheet(path: Path, rows: list[dict[str, str]], *, delimiter: str, bom: bool,
                 encoding: str = "utf-8") -> None:  # fmt: skip
    """As a spreadsheet saves it: CRLF line ends, a byte-order mark, its own separator."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=importing.COLUMNS, delimiter=delimiter,
                            lineterminator="\r\n")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode(encoding))


async def test_files_as_spreadsheets_save_them(
    env: None, tmp_path: Path, owner_db: Database
) -> None:
    assert (await asyncio.to_thread(
        runner.invoke, cli, ["party", "add", "--slug", "sheet", "--name", "Sheet"]
    )).exit_code == 0  # fmt: skip
    excel_utf8 = tmp_path / "utf8.csv"  # Excel's "CSV UTF-8", in a semicolon locale
    _spreadsheet(excel_utf8, [_row(n, summary="Caf\u00e9 \u2013 ok") for n in range(1, 6)],
                 delimiter=";", bom=True)  # fmt: skip
    done = await asyncio.to_thread(runner.invoke, cli, ["import", "cases", str(excel_utf8),
                                                        "--party", "sheet"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "read as utf-8, separated by ';': created 5" in done.output
    legacy = tmp_path / "legacy.csv"  # Excel's plain "CSV" on Windows
    _spreadsheet(legacy, [_row(n, summary="Café") for n in range(6, 9)], delimiter=",",
                 bom=False, encoding="cp1252")  # fmt: skip
    done = await asyncio.to_thread(runner.invoke, cli, ["import", "cases", str(legacy),
                                                        "--party", "sheet"])  # fmt: skip
    assert done.exit_code == 0 and "read as windows-1252" in done.output, done.output

    # a dry run with a duplicate and a bad date: every problem named, nothing created
    rows = [_row(n) for n in range(20, 26)]
    rows[3] = _row(21)  # the same reference as the row on line 3
    rows[4] = _row(24, acknowledged_on="2025-05-01")  # before received_on
    checked = tmp_path / "check.csv"
    _spreadsheet(checked, rows, delimiter="\t", bom=True)
    before = await _count(owner_db)
    command = ["import", "cases", str(checked), "--party", "sheet", "--dry-run"]
    dry = await asyncio.to_thread(runner.invoke, cli, command)
    assert dry.exit_code == 2, dry.output
    assert "would create 4" in dry.output and "rejected 2 row(s)" in dry.output
    assert "line 5 reference: the reference is also on line 3 of this file" in dry.output
    assert "line 6 acknowledged_on:" in dry.output
    assert await _count(owner_db) == before


async def test_finalise_and_verify_with_a_tampered_row(
    env: None,
    gql: GraphQLClient,
    admin_token: str,
    owner_db: Database,
    db: Database,
    tmp_path: Path,
) -> None:
    await register_party(gql, admin_token, "party-a")
    officer = await issue_token(gql, admin_token, "OFFICER", "party-a")
    for n in range(3):
        case = await submit(gql, officer, f"V-{n}")
        await decide(gql, officer, case)  # decided 2026-05-04: the window has passed

    finalised = await asyncio.to_thread(runner.invoke, cli, ["cases", "finalise"])
    assert finalised.exit_code == 0 and "party-a: 3 case(s) made final" in finalised.output
    final = await gql.ok(CASES, {"first": 5, "filter": {"states": ["FINAL"]}}, token=officer)
    assert final["cases"]["totalCount"] == 3

    intact = await asyncio.to_thread(runner.invoke, cli, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "party-a:" in intact.output and "intact" in intact.output
    assert "BROKEN" not in intact.output
    jobs = await _job_samples(tmp_path, db)
    assert jobs[("jointcode_job_last_success", (("job", "audit_verify"),))] == 1
    assert jobs[("jointcode_job_check_passed",
                 (("check", "audit_chains"), ("job", "audit_verify")))] == 1  # fmt: skip

    async with owner_db.transaction() as session:
        seq = await session.scalar(
            text(
                "SELECT e.seq FROM audit_entries e JOIN parties p ON p.id = e.party_id "
                "WHERE p.slug = 'party-a' AND e.action = 'case.decide' ORDER BY e.seq LIMIT 1"
            )
        )
        await session.execute(
            text(
                "UPDATE audit_entries SET details = jsonb_set(details, '{after,sanction}', "
                "to_jsonb('no_further_action'::text)) WHERE seq = :seq AND party_id = "
                "(SELECT id FROM parties WHERE slug = 'party-a')"
            ),
            {"seq": seq},
        )
    broken = await asyncio.to_thread(runner.invoke, cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"party-a: BROKEN at entry {seq}: its content does not match its hash" in broken.output
    jobs = await _job_samples(tmp_path, db)  # the alert an operator gets
    assert jobs[("jointcode_job_last_success", (("job", "audit_verify"),))] == 0
    assert jobs[("jointcode_job_check_passed",
                 (("check", "audit_chains"), ("job", "audit_verify")))] == 0  # fmt: skip

    async with owner_db.transaction() as session:
        await session.execute(
            text(
                "DELETE FROM audit_entries WHERE seq = 2 AND party_id = "
                "(SELECT id FROM parties WHERE slug = 'party-a')"
            )
        )
    gap = await asyncio.to_thread(runner.invoke, cli, ["audit", "verify"])
    assert "party-a: BROKEN at entry 3: expected entry 2: an entry is missing" in gap.output
