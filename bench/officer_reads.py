"""Parallel officer reads against a running service: correct answers, p50 and worst.

Run: ``python -m bench.officer_reads --url http://127.0.0.1:8000/graphql --token jc_…
--parallel 50 200`` (a served instance, e.g. ``make run``; an officer token it printed).
Each request is ``cases(first: 100)`` with every field, its history and reads, as a
party's case-management system syncing would ask.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

QUERY = """{ cases(first: 100) { totalCount edges { node {
  id reference state version receivedOn provisions channel respondentRole targetRole
  characteristics formsOfHate summary allowedNextSteps repeatRespondent
  deadlines { name dueOn status }
  history(first: 50) { totalCount edges { node { seq action actor changes { field } } } }
  reads(first: 5) { totalCount } } } } }"""


async def run(url: str, token: str, parallel: int) -> None:
    headers = {"authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=parallel)
    async with httpx.AsyncClient(headers=headers, timeout=120, limits=limits) as client:

        async def one() -> tuple[float, str]:
            started = time.perf_counter()
            response = await client.post(url, json={"query": QUERY})
            took = time.perf_counter() - started
            body = (
                response.json()
                if response.headers.get("content-type", "").startswith("application/json")
                else {}
            )
            if response.status_code == 200 and "errors" not in body:
                return took, "ok"
            codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
            return took, f"{response.status_code} {','.join(sorted(map(str, codes)))}"

        results = await asyncio.gather(*(one() for _ in range(parallel)))
    times = sorted(t for t, _ in results)
    outcomes: dict[str, int] = {}
    for _, outcome in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(f"{parallel} parallel: correct {outcomes.get('ok', 0)}/{parallel}, "
          f"p50 {statistics.median(times):.2f} s, worst {times[-1]:.2f} s, "
          f"other: {({k: v for k, v in outcomes.items() if k != 'ok'}) or 'none'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--parallel", type=int, nargs="+", default=[50, 200])
    args = parser.parse_args()
    for parallel in args.parallel:
        asyncio.run(run(args.url, args.token, parallel))


if __name__ == "__main__":
    main()
