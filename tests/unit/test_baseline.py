"""The baseline's dump is history: the migration refuses an edited one (decision 0020)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import migrations

BASELINE = Path(migrations.__file__).parent / "versions" / "0036_baseline.py"


def test_the_baseline_dump_is_the_one_recorded() -> None:
    spec = importlib.util.spec_from_file_location("baseline_0036", BASELINE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert hashlib.sha256(module.DUMP.read_bytes()).hexdigest() == module.DUMP_SHA256
    assert module.revision == "0036" and module.down_revision is None
