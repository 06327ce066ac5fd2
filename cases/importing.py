"""Moving a party's history in from CSV: validated rows, in batches, safe to rerun.

Each batch of up to 500 rows is one transaction through ``submit_cases``, so a rerun
after an interruption finds the rows already imported by their reference and creates
nothing twice. Rows that cannot be read or are refused are reported with their line
number and reasons; the rest go in.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from uuid import UUID

from cases import service
from cases.errors import CaseErrorCode
from db.audit import Actor
from db.errors import DomainError
from db.session import Database

COLUMNS = (
    "reference",
    "received_on",
    "provisions",
    "channel",
    "respondent_role",
    "target_role",
    "characteristics",
    "forms_of_hate",
    "complainant_count",
    "respondent_ref",
    "acknowledged_on",
    "summary",
)
REQUIRED = ("reference", "received_on", "provisions", "channel", "respondent_role")
LIST_SEPARATOR = ";"


@dataclass(slots=True)
class ImportSummary:
    created: int = 0
    already_present: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, reference, why


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def parse_row(row: dict[str, str]) -> service.Submission:
    """One CSV row as a submission; ValueError says what cannot be read."""
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")

    def optional(name: str) -> str | None:
        return (row.get(name) or "").strip() or None

    def day(name: str) -> date | None:
        value = optional(name)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise ValueError(f"{name} is not a date (YYYY-MM-DD): {value!r}") from None

    count = optional("complainant_count") or "1"
    if not count.isdigit():
        raise ValueError(f"complainant_count is not a whole number: {count!r}")
    received = day("received_on")
    assert received is not None
    return service.Submission(
        reference=row["reference"].strip(),
        received_on=received,
        provisions=_list(row["provisions"]),
        channel=row["channel"].strip(),
        respondent_role=row["respondent_role"].strip(),
        target_role=optional("target_role"),
        characteristics=_list(row.get("characteristics") or ""),
        forms_of_hate=_list(row.get("forms_of_hate") or ""),
        complainant_count=int(count),
        respondent_ref=optional("respondent_ref"),
        acknowledged_on=day("acknowledged_on"),
        summary=optional("summary"),
    )


def count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _batches(path: Path, size: int) -> Iterator[list[tuple[int, dict[str, str]]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        unknown = set(reader.fieldnames or ()) - set(COLUMNS)
        if unknown or not set(REQUIRED) <= set(reader.fieldnames or ()):
            raise DomainError(
                CaseErrorCode.INVALID_FILE,
                f"{path.name}: the header must name columns from {', '.join(COLUMNS)} "
                f"(required: {', '.join(REQUIRED)}); unknown: {', '.join(sorted(unknown))}.",
            )
        batch: list[tuple[int, dict[str, str]]] = []
        for row in reader:
            batch.append((reader.line_num, row))
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


async def import_file(
    *,
    db: Database,
    party_id: UUID,
    path: Path,
    actor: Actor | None = None,
    batch_size: int = service.MAX_BATCH,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Import every row; returns what was created, already present and rejected (and why)."""
    summary = ImportSummary()
    for batch in _batches(path, batch_size):
        readable: list[tuple[int, service.Submission]] = []
        for line, row in batch:
            try:
                readable.append((line, parse_row(row)))
            except ValueError as exc:
                summary.rejected.append((line, (row.get("reference") or "").strip(), str(exc)))
        if readable:
            async with db.transaction(party_id=party_id, actor=actor) as session:
                results = await service.submit_cases(
                    session=session,
                    party_id=party_id,
                    submissions=[s for _, s in readable],
                    with_cases=False,
                )
            for result in results:
                line, submission = readable[result.index]
                if result.errors:
                    reasons = "; ".join(e.message for e in result.errors)
                    summary.rejected.append((line, submission.reference, reasons))
                elif result.created:
                    summary.created += 1
                else:
                    summary.already_present += 1
        progress(len(batch))
    summary.rejected.sort()
    return summary


def write_rejected(path: Path, rejected: list[tuple[int, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "reference", "reasons"])
        writer.writerows(rejected)
