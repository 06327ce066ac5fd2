"""Tampering the hash chains cannot show by themselves, caught by signed checkpoints.

Issue 11's measured attacks, rerun: a public statistic raised by 1,000, a party's newest
audit entry deleted, its only release deleted. Each now fails verification.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from publication import checkpoints

runner = CliRunner()


def test_the_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.pem"
    created = checkpoints.Signer.load_or_create(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert checkpoints.Signer.load_or_create(path).public_key == created.public_key
