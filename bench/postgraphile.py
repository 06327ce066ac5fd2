"""PostGraphile 4, installed from the npm registry into .bench/ and run beside jointcode."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

VERSION = "4.14.1"
ROOT = Path(__file__).resolve().parent.parent / ".bench" / "postgraphile"


def install() -> Path:
    """The postgraphile command, installed once (needs node and npm on PATH)."""
    command = ROOT / "node_modules" / ".bin" / "postgraphile"
    marker = ROOT / f".installed-{VERSION}"
    if not marker.exists():
        ROOT.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(ROOT),
             f"postgraphile@{VERSION}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        marker.touch()
    return command


def start(command: Path, *, owner_url: str, port: int) -> subprocess.Popen[bytes]:
    """One Node process exposing the bench schema's function, as PostGraphile's CLI does."""
    url = owner_url.replace("postgresql+asyncpg://", "postgres://")
    process = subprocess.Popen(
        [str(command), "--connection", url, "--schema", "bench", "--host", "127.0.0.1",
         "--port", str(port), "--simple-collections", "only", "--disable-query-log",
         "--disable-default-mutations", "--max-pool-size", "32"],
        env={**os.environ, "NODE_ENV": "production"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(150):
        try:
            response = httpx.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}, timeout=1
            )
            if response.status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("PostGraphile did not start")
