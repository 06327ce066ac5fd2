"""What the public gets, before and after issue 10, on the realistic synthetic caseload.

For every party of a profile (``cases.synthetic``): its final outcomes are planned into
one release the old way (k-anonymity only; statistics summed from released classes) and
the new way (k-anonymity plus l-diversity of the sanction band; statistics from protected
tables over all final outcomes, cell-key method). Printed per scale:

- records: share released, share held back, share of released records generalised;
- tables: share of the declared tables' non-empty cells that are published (before: the
  cell has released records; after: the perturbed count is not 0), and the mean absolute
  perturbation (after).

Pure Python over the same planner and perturbation rule the service runs; record keys are
drawn as the database draws them. Run: ``make bench-disclosure`` (10x the demo and about
1,000,000 outcomes; ``--scales 10x`` for one).
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import date

import codes
from cases.synthetic import PROFILES, Profile, _scaled, generate
from publication.anonymise import Outcome, plan_release, published_fields
from publication.cellkey import perturb
from publication.statistics import TABLES, Dimension

TODAY = date(2026, 11, 24)


def _values(o: Outcome, version: codes.CodeVersion, characteristics: tuple[str, ...]) -> dict:
    family = {p.id: p.family for p in version.provisions}
    bands = {s: b for b, _, members in version.publication.sanction_bands for s in members}
    groups = {c.id: c.group for c in version.channels}
    roles = {r.id: r.group for r in version.respondent_roles}
    return {
        Dimension.YEAR: [o.decided_on.year],
        Dimension.QUARTER: [f"{o.decided_on.year}-Q{(o.decided_on.month - 1) // 3 + 1}"],
        Dimension.PROVISION: list(o.values["provisions"]),
        Dimension.FAMILY: sorted({family[p] for p in o.values["provisions"]}),
        Dimension.FORM_OF_HATE: list(o.values["forms_of_hate"]),
        Dimension.CHARACTERISTIC: list(characteristics),
        Dimension.CHANNEL: [o.values["channel"]],
        Dimension.CHANNEL_GROUP: [groups[o.values["channel"]]],
        Dimension.RESPONDENT_ROLE: [o.values["respondent_role"]],
        Dimension.RESPONDENT_ROLE_GROUP: [roles[o.values["respondent_role"]]],
        Dimension.SEVERITY: [o.values["severity"]] if o.values["severity"] else [],
        Dimension.SANCTION: [o.values["sanction"]],
        Dimension.SANCTION_BAND: [bands[o.values["sanction"]]],
    }


def _cells(rows: list[tuple[str, dict, int]]) -> dict[str, dict[tuple, list[int]]]:
    """table id -> cell -> record keys of the records in it."""
    found: dict[str, dict[tuple, list[int]]] = {t.id: {} for t in TABLES}
    for party, values, key in rows:
        for table in TABLES:
            combos: list[tuple] = [()]
            for d in table.dimensions:
                options = [party] if d is Dimension.PARTY else values[d]
                combos = [(*c, v) for c in combos for v in options]
            for combo in combos:
                found[table.id].setdefault(combo, []).append(key)
    return found


def run(profile: Profile) -> None:
    version = codes.default_version(TODAY)
    started = time.perf_counter()
    cases = [
        c
        for c in generate(profile, today=TODAY)
        if c.decision is not None and c.decision.decided_on.toordinal() + 30 < TODAY.toordinal()
    ]
    rng = random.Random(1)
    rows = []
    released_old = released_new = held_old = held_new = gen_old = gen_new = 0
    old_rows: list[tuple[str, dict, int]] = []
    for party in profile.parties:
        mine = [c for c in cases if c.party == party.slug]
        outcomes = []
        for c in mine:
            sanction = c.decision.sanction
            if c.decision.appeal and c.decision.appeal[1] == "varied" and c.decision.appeal[2]:
                sanction = c.decision.appeal[2]
            o = Outcome.of(uuid.uuid4(), c.decision.decided_on, provisions=c.provisions,
                           forms_of_hate=c.forms_of_hate, channel=c.channel,
                           respondent_role=c.respondent_role, severity=None,
                           sanction=sanction)  # fmt: skip
            outcomes.append(o)
            rows.append((party.slug, _values(o, version, c.characteristics), rng.randrange(256)))
        old = plan_release(outcomes, version=version, k=version.k, l_diversity=1)
        new = plan_release(outcomes, version=version, k=version.k)
        released_old += len(old.released)
        released_new += len(new.released)
        held_old += len(old.held_back)
        held_new += len(new.held_back)
        gen_old += round(old.generalised_share * len(old.released))
        gen_new += round(new.generalised_share * len(new.released))
        for _, record in old.released:
            f = published_fields(record)

            def listed(value: object) -> list:
                return [] if value is None else list(value) if isinstance(value, list) else [value]

            old_rows.append((party.slug, {
                Dimension.YEAR: listed(f["year"]), Dimension.QUARTER: listed(f["quarter"]),
                Dimension.PROVISION: listed(f["provisions"]),
                Dimension.FAMILY: listed(f["families"]),
                Dimension.FORM_OF_HATE: listed(f["forms_of_hate"]),
                Dimension.CHARACTERISTIC: listed(f["characteristics"]),
                Dimension.CHANNEL: listed(f["channel"]),
                Dimension.CHANNEL_GROUP: listed(f["channel_group"]),
                Dimension.RESPONDENT_ROLE: listed(f["respondent_role"]),
                Dimension.RESPONDENT_ROLE_GROUP: listed(f["respondent_role_group"]),
                Dimension.SEVERITY: listed(f["severity"]),
                Dimension.SANCTION: listed(f["sanction"]),
                Dimension.SANCTION_BAND: listed(f["sanction_band"]),
            }, 0))  # fmt: skip
    total = released_old + held_old
    tables = _cells(rows)
    cells = sum(len(t) for t in tables.values())
    published_after = 0
    noise = 0
    for table in tables.values():
        for keys in table.values():
            shown = perturb(len(keys), sum(keys), version.k)
            published_after += shown > 0
            noise += abs(shown - len(keys))
    # before: a table cell was published when released records (classes >= k) fell in it
    before = _cells(old_rows)
    published_before = sum(1 for t, table in tables.items() for cell in table if cell in before[t])
    print(f"\n{profile.name}: {total:,} final outcomes, {len(profile.parties)} parties "
          f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
    print(
        f"  records before (k only):  released {released_old / total:6.1%}  held back "
        f"{held_old / total:6.1%}  generalised {gen_old / max(1, released_old):6.1%}"
    )
    print(
        f"  records after (k and l):  released {released_new / total:6.1%}  held back "
        f"{held_new / total:6.1%}  generalised {gen_new / max(1, released_new):6.1%}"
    )
    print(
        f"  table cells with outcomes: {cells:,}; published before (released classes): "
        f"{published_before / cells:6.1%}; after (cell key): {published_after / cells:6.1%}; "
        f"mean absolute perturbation {noise / cells:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", nargs="+", default=["10x", "1m"])
    args = parser.parse_args()
    for scale in args.scales:
        if scale == "1m":
            profile = _scaled(1_000_000 / (1840 * 2.5 * 0.78), "1m (about 1,000,000 outcomes)")
        else:
            profile = PROFILES[scale]
        run(profile)


if __name__ == "__main__":
    main()
