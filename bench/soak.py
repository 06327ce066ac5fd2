"""Soak: mixed traffic for a while (default 10 minutes) against `jointcode serve` on the
demo data: 90% public requests, every one its own document (so the response cache cannot
help), 9% officer writes stepping cases through the workflow, 1% Committee summaries.
Reports p50/p99 per kind, errors (the aim is 0) and the workers' RSS over time (the aim
is flat, under 250 MB per worker).

Run: ``make bench-soak`` or ``python -m bench.soak [--minutes 10] [--concurrency 32]
[--workers 1]`` (``DATABASE_URL`` or an embedded server, as ``bench.officer``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import re
import time
from typing import Any

import httpx

from bench.officer import DECIDE, START, SUBMIT, TRIAGE, Tally, _outcome, _rss_mb, start_service

TABLES = [
    ["PARTY"],
    ["PARTY", "YEAR"],
    ["FAMILY"],
    ["SANCTION_BAND"],
    ["YEAR", "CHANNEL"],
    ["PARTY", "SEVERITY"],
    ["QUARTER"],
    ["YEAR", "FORM_OF_HATE"],
]
PERIODS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025", "2025/26"]
COMMITTEE = """query($p: String!) { committeeSummary(period: $p) { k
  parties { party received { value suppressed } decided { value } medianBand } } }"""


class Writer:
    """One officer's case at a time, one workflow step per turn."""

    def __init__(self) -> None:
        self.case: dict[str, Any] | None = None
        self.step = 0
        self.serial = itertools.count()

    def next_request(self) -> tuple[str, str, dict[str, Any]]:
        if self.case is None or self.step == 0:
            self.step = 0
            return (
                SUBMIT,
                "submitCase",
                {
                    "reference": f"SOAK-{time.time_ns()}-{next(self.serial)}",
                    "receivedOn": "2026-03-02",
                    "provisions": ["JC6"],
                    "channel": "social_x",
                    "respondentRole": "member",
                },
            )
        base = {"id": self.case["id"], "expectedVersion": self.case["version"]}
        return [
            (TRIAGE, "triageCase", {**base, "inScope": True, "triagedOn": "2026-03-03"}),
            (START, "startAssessment", {**base, "startedOn": "2026-03-03"}),
            (
                DECIDE,
                "decideCase",
                {
                    **base,
                    "findings": [{"provision": "JC6", "proven": True}],
                    "sanction": "advice",
                    "decidedOn": "2026-03-04",
                },
            ),
        ][self.step - 1]

    def done(self, name: str, answer: dict[str, Any]) -> None:
        self.case = answer["data"][name]["case"]
        self.step = (self.step + 1) % 4


async def soak(
    url: str, officer: str, committee: str, *, seconds: float, concurrency: int, pid: int | None
) -> None:
    tallies = {"public": Tally(), "officer write": Tally(), "committee": Tally()}
    rss: list[tuple[float, str]] = [(0.0, _rss_mb(pid))]
    counter = itertools.count()
    writers = [Writer() for _ in range(concurrency)]
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    async def public(client: httpx.AsyncClient) -> None:
        n, table = next(counter), random.choice(TABLES)
        query = f"{{ q{n}: statistics(groupBy: [{', '.join(table)}]) {{ count }} }}"
        t = time.perf_counter()
        response = await client.post(url, json={"query": query})
        tallies["public"].add(time.perf_counter() - t, _outcome(response))

    async def write(client: httpx.AsyncClient, writer: Writer) -> None:
        document, name, values = writer.next_request()
        t = time.perf_counter()
        response = await client.post(
            url,
            json={"query": document, "variables": {"input": values}},
            headers={"authorization": f"Bearer {officer}"},
        )
        outcome = _outcome(response)
        if outcome == "ok" and response.json()["data"][name]["errors"]:
            outcome = "user error " + response.json()["data"][name]["errors"][0]["code"]
            writer.case, writer.step = None, 0
        elif outcome == "ok":
            writer.done(name, response.json())
        tallies["officer write"].add(time.perf_counter() - t, outcome)

    async def committee_summary(client: httpx.AsyncClient) -> None:
        t = time.perf_counter()
        response = await client.post(
            url,
            json={"query": COMMITTEE, "variables": {"p": random.choice(PERIODS)}},
            headers={"authorization": f"Bearer {committee}"},
        )
        tallies["committee"].add(time.perf_counter() - t, _outcome(response))

    async def user(client: httpx.AsyncClient, writer: Writer) -> None:
        while time.monotonic() < deadline:
            roll = random.random()
            if roll < 0.90:
                await public(client)
            elif roll < 0.99:
                await write(client, writer)
            else:
                await committee_summary(client)

    async def sample() -> None:
        while time.monotonic() < deadline:
            await asyncio.sleep(min(30, max(0.0, deadline - time.monotonic())))
            rss.append((time.monotonic() - started, _rss_mb(pid)))

    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await asyncio.gather(sample(), *(user(client, w) for w in writers))
    took = time.monotonic() - started
    total = sum(len(t.times) for t in tallies.values())
    print(
        f"soak: {took:.0f} s, {total} requests ({total / took:.0f}/s), "
        f"{concurrency} concurrent clients"
    )
    for kind, tally in tallies.items():
        print("  " + tally.line(kind))
    print("  RSS over time: " + ", ".join(f"{t:.0f} s {m}" for t, m in rss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    process, url, printed = start_service(args.workers)
    try:
        officer = re.search(r"officer lantern\s+(\S+)", printed)
        committee = re.search(r"committee\s+(\S+)", printed)
        if officer is None or committee is None:
            raise SystemExit(f"no tokens in:\n{printed}")
        asyncio.run(
            soak(
                url,
                officer.group(1),
                committee.group(1),
                seconds=args.minutes * 60,
                concurrency=args.concurrency,
                pid=process.pid,
            )
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
