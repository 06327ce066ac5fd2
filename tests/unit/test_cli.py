"""The `jointcode` command line against the test database (sync: the CLI runs its own loop)."""

from __future__ import annotations

from typer.testing import CliRunner

from cli import app
from schema import SDL_PATH

runner = CliRunner()


def test_schema_export_prints_the_committed_sdl() -> None:
    result = runner.invoke(app, ["schema", "export"])
    assert result.exit_code == 0
    assert result.output == SDL_PATH.read_text()
