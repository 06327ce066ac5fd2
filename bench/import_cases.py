"""Benchmark: import 100,000 synthetic cases from CSV; report cases per second and peak memory.

    make bench-import            # or: .venv/bin/python -m bench.import_cases --cases 100000

Runs against BENCH_DATABASE_URL (a server where it may create and drop a database),
else TEST_DATABASE_URL, else an embedded server in a temporary folder. The import is
the real path `jointcode import cases` takes: CSV rows parsed, validated against the
code version, 500 per transaction through `submit_cases`, as the application role with
row-level security on, audited.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import OPERATOR, fresh_database, peak_rss_mib, server
from cases import importing
from db.session import Database, app_role_url, make_engine
from parties import service as party_service

PROVISIONS = ["JC1", "JC2", "JC4", "JC6", "JC7", "JC9", "JC10"]
CHANNELS = ["social_x", "social_facebook", "email", "messaging", "in_person_hustings", "phone"]
ROLES = ["member", "candidate", "elected_representative", "office_holder", "volunteer"]


def write_csv(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=importing.COLUMNS)
        writer.writeheader()
        for n in range(count):
            received = start + timedelta(days=rng.randint(0, 600))
            writer.writerow(
                {
                    "reference": f"BENCH-{n:07d}",
                    "received_on": received.isoformat(),
                    "provisions": ";".join(rng.sample(PROVISIONS, rng.choice([1, 1, 2]))),
                    "channel": rng.choice(CHANNELS),
                    "respondent_role": rng.choice(ROLES),
                    "target_role": "candidate",
                    "characteristics": "",
                    "forms_of_hate": rng.choice(["", "", "misogyny", "antisemitism"]),
                    "complainant_count": str(rng.choice([1, 1, 2])),
                    "respondent_ref": f"M{rng.randint(1, 20000)}",
                    "acknowledged_on": (received + timedelta(days=rng.randint(0, 9))).isoformat(),
                    "summary": "synthetic benchmark complaint",
                }
            )


async def run(server_url: str, count: int, workdir: Path) -> None:
    source = workdir / "bench.csv"
    started = time.perf_counter()
    write_csv(source, count)
    print(f"wrote {count:,} rows in {time.perf_counter() - started:.1f} s")

    async with fresh_database(server_url, "jointcode_bench_import") as owner:
        operator = Database(make_engine(owner, pool_size=1))
        async with operator.transaction(actor=OPERATOR) as session:
            party = await party_service.register_party(
                session=session, slug="bench", name="Bench Party", adopted_on=date(2025, 1, 1)
            )
        await operator.dispose()
        db = Database(make_engine(app_role_url(owner), pool_size=2))
        try:
            rss_before = peak_rss_mib()
            started = time.perf_counter()
            summary = await importing.import_file(
                db=db, party_id=party.id, path=source, actor=OPERATOR
            )
            elapsed = time.perf_counter() - started
        finally:
            await db.dispose()
        print(
            f"imported {summary.created:,} cases in {elapsed:.1f} s: "
            f"{summary.created / elapsed:,.0f} cases/s "
            f"(already present {summary.already_present}, rejected {len(summary.rejected)})"
        )
        print(f"peak RSS of the process: {peak_rss_mib():.0f} MiB (before import {rss_before:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, server() as url:
        asyncio.run(run(url, args.cases, Path(tmp)))


if __name__ == "__main__":
    main()
