"""The `jointcode` command line against the test database (sync: the CLI runs its own loop)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture
def env(owner_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.delenv("APP_DATABASE_URL", raising=False)


def test_party_and_token_lifecycle(env: None) -> None:
    added = runner.invoke(app, ["party", "add", "--slug", "cli-party", "--name", "CLI Party"])
    assert added.exit_code == 0, added.output
    assert "under code version 1" in added.output

    again = runner.invoke(app, ["party", "add", "--slug", "cli-party", "--name", "Again"])
    assert again.exit_code == 1 and "already taken" in again.output

    issued = runner.invoke(app, ["token", "issue", "--role", "officer", "--party", "cli-party"])
    assert issued.exit_code == 0, issued.output
    secret = issued.stdout.strip()  # the secret alone on standard output
    assert secret.startswith("jc_")

    wrong = runner.invoke(app, ["token", "issue", "--role", "committee", "--party", "cli-party"])
    assert wrong.exit_code == 1 and "not bound to a party" in wrong.output

    revoked = runner.invoke(app, ["token", "revoke", secret])
    assert revoked.exit_code == 0 and secret[:8] in revoked.output
    unknown = runner.invoke(app, ["token", "revoke", "jc_unknown"])
    assert unknown.exit_code == 1 and "No such token" in unknown.output
