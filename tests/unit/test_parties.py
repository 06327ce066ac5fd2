"""The party registry and each party's sanction names on the common ladder."""

from __future__ import annotations

import codes
from parties.sanction_mapping import MAPPINGS_DIR, check_mapping, read_file


def test_demo_mapping_files_are_valid() -> None:
    files = sorted(MAPPINGS_DIR.glob("*.yaml"))
    assert [f.stem for f in files] == ["harbour", "lantern", "meadow"]
    for path in files:
        mapping = read_file(path)
        assert mapping.party == path.stem
        version = codes.get_version(mapping.code_version)
        assert version is not None
        assert check_mapping(version, mapping.entries) == []
        # every ladder step has at least one of the party's names
        assert {s for _, s in mapping.entries} == set(version.sanction_ids)
