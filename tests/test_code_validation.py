"""`jointcode code validate`: every problem at once, each with its path."""

from __future__ import annotations

from codes.loader import VERSIONS_DIR, parse_version

V1 = VERSIONS_DIR / "joint-code-1.yaml"


CODE = """
query($version: String) {
  code(version: $version) {
    version contentHash inForceFrom principles k
    scope { persons settings periods }
    families { id } provisions { id family baseSeverity }
    characteristics { id } formsOfHate { id characteristic }
    channels { id group } targetRoles { id group } respondentRoles { id group }
    sanctions { id rank requiresLength } outcomes { id } referralFlags { id }
    severity {
      rule maxUp maxDown
      levels { level title recommendedFrom { id } recommendedTo { id } }
      aggravating { id weight aggravating } mitigating { id weight aggravating }
      departureReasons { id }
    }
    deadlines { acknowledge triage decide lodgeAppeal decideAppeal }
    publication { k hierarchies { attribute levels } neverPublished
                  timeToDecisionBands { fromDays toDays } }
  }
  codes { version }
}"""


async def test_code_query_shows_the_whole_version(gql) -> None:
    data = await gql.ok(CODE, {"version": "1"})
    code = data["code"]
    assert data["codes"] == [{"version": "1"}]
    assert code["contentHash"] == parse_version(V1.read_text()).content_hash
    assert [p["id"] for p in code["provisions"]] == [f"JC{n}" for n in range(1, 14)]
    assert {f["id"] for f in code["families"]} >= {"harassment", "hate", "privacy", "debate"}
    assert len(code["characteristics"]) == 9
    forms = {f["id"]: f["characteristic"] for f in code["formsOfHate"]}
    assert forms["antisemitism"] == "religion_belief" and forms["transphobia"] == (
        "gender_reassignment"
    )
    assert len(forms) == 10
    assert {c["group"] for c in code["channels"]} == {"online", "offline"}
    assert [s["id"] for s in code["sanctions"]] == [
        "no_further_action",
        "advice",
        "formal_warning",
        "mandatory_training",
        "suspension",
        "bar_from_office",
        "expulsion",
    ]
    assert [s["requiresLength"] for s in code["sanctions"]].count(True) == 1
    assert {o["id"] for o in code["outcomes"]} == {"respondent_left", "complaint_withdrawn"}
    assert {r["id"] for r in code["referralFlags"]} == {"police", "platform"}
    severity = code["severity"]
    assert [lv["level"] for lv in severity["levels"]] == [1, 2, 3, 4]
    assert severity["levels"][3]["recommendedTo"] == {"id": "expulsion"}
    assert (severity["maxUp"], severity["maxDown"]) == (2, 1)
    assert all(f["aggravating"] for f in severity["aggravating"])
    assert not any(f["aggravating"] for f in severity["mitigating"])
    assert code["deadlines"] == {
        "acknowledge": 5,
        "triage": 14,
        "decide": 90,
        "lodgeAppeal": 21,
        "decideAppeal": 60,
    }
    hierarchies = {h["attribute"]: h["levels"] for h in code["publication"]["hierarchies"]}
    assert hierarchies["period"] == ["month", "quarter", "year", "any"]
    assert hierarchies["provision"] == ["provision", "family", "any"]
    assert "summary" in code["publication"]["neverPublished"]
    assert code["publication"]["timeToDecisionBands"][-1] == {"fromDays": 366, "toDays": None}
    assert code["scope"]["settings"] == ["online", "offline"]

    assert (await gql.ok(CODE, {"version": "99"}))["code"] is None
    assert (await gql.ok(CODE))["code"]["version"] == "1"
