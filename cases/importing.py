"""Moving a party's history in from CSV: validated rows, in batches, safe to rerun.

Each batch of up to 500 rows is one transaction through ``submit_cases``, so a rerun
after an interruption finds the rows already imported by their reference and creates
nothing twice. Rows that cannot be read or are refused are reported with their line
number, the column at fault and why; the rest go in (or, on a dry run, would).

Files come as spreadsheets save them: UTF-8 with or without a byte-order mark (Excel's
"CSV UTF-8"), or Windows-1252 (Excel's plain "CSV"); commas, semicolons (Excel in much of
Europe) or tabs between fields, detected from the header.
"""

from __future__ import annotations

import csv
import io
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


DELIMITERS = ",;\t"
# domain fields (GraphQL names) as the file's columns
FIELD_COLUMNS = {
    "reference": "reference", "receivedOn": "received_on", "provisions": "provisions",
    "channel": "channel", "respondentRole": "respondent_role", "targetRole": "target_role",
    "characteristics": "characteristics", "formsOfHate": "forms_of_hate",
    "complainantCount": "complainant_count", "respondentRef": "respondent_ref",
    "acknowledgedOn": "acknowledged_on", "summary": "summary",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    reference: str
    column: str  # the file's column at fault, or "" for the row as a whole
    reason: str


@dataclass(slots=True)
class ImportSummary:
    created: int = 0
    already_present: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","

    @property
    def rejected_lines(self) -> int:
        return len({r.line for r in self.rejected})


class RowError(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def parse_row(row: dict[str, str]) -> service.Submission:
    """One CSV row as a submission; RowError names the column that cannot be read."""
    if None in row:
        raise RowError("", f"{len(row[None])} more field(s) than the header names")  # type: ignore[index]  # DictReader: extras under None
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise RowError(missing[0], f"missing {', '.join(missing)}")

    def optional(name: str) -> str | None:
        return (row.get(name) or "").strip() or None

    def day(name: str) -> date | None:
        value = optional(name)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise RowError(name, f"not a date (YYYY-MM-DD): {value!r}") from None

    count = optional("complainant_count") or "1"
    if not count.isdigit():
        raise RowError("complainant_count", f"not a whole number: {count!r}")
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


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (a byte-order mark is dropped), else
    Windows-1252, which is what a spreadsheet's plain "CSV" is on most office PCs."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "windows-1252"


def detect_delimiter(header: str) -> str:
    """The separator the header uses: the one of , ; tab that splits it into most names."""
    return max(DELIMITERS, key=lambda d: (len(header.split(d)), d == ","))


def count_rows(path: Path) -> int:
    text, _ = read_text(path)
    return max(sum(1 for line in text.splitlines() if line.strip()) - 1, 0)


def _reader(path: Path) -> tuple[csv.DictReader[str], str, str]:
    text, encoding = read_text(path)
    header = text.splitlines()[0] if text else ""
    delimiter = detect_delimiter(header)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = [(n or "").strip().lower() for n in reader.fieldnames or ()]
    reader.fieldnames = names
    unknown = set(names) - set(COLUMNS)
    if unknown or not set(REQUIRED) <= set(names):
        raise DomainError(
            CaseErrorCode.INVALID_FILE,
            f"{path.name}: the header must name columns from {', '.join(COLUMNS)} "
            f"(required: {', '.join(REQUIRED)}); "
            + (f"unknown: {', '.join(sorted(unknown))}" if unknown else
               f"missing: {', '.join(c for c in REQUIRED if c not in names)}")
            + f" (read as {encoding}, separated by {delimiter!r}).",
        )  # fmt: skip
    return reader, encoding, delimiter


def _batches(reader: csv.DictReader[str], size: int) -> Iterator[list[tuple[int, dict[str, str]]]]:
    batch: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue  # a blank line a spreadsheet left at the end
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
    dry_run: bool = False,
) -> ImportSummary:
    """Import every row; returns what was created, already present and rejected (and why).

    ``dry_run`` checks every row exactly as an import would, against the database, and
    rolls each batch back: nothing is created.
    """
    reader, encoding, delimiter = _reader(path)
    summary = ImportSummary(encoding=encoding, delimiter=delimiter)
    first_line: dict[str, int] = {}
    for batch in _batches(reader, batch_size):
        readable: list[tuple[int, service.Submission]] = []
        for line, row in batch:
            reference = (row.get("reference") or "").strip()
            try:
                submission = parse_row(row)
            except RowError as exc:
                summary.rejected.append(Rejection(line, reference, exc.column, str(exc)))
                continue
            if reference in first_line:
                why = f"the reference is also on line {first_line[reference]} of this file"
                summary.rejected.append(Rejection(line, reference, "reference", why))
                continue
            first_line[reference] = line
            readable.append((line, submission))
        if readable:
            async with db.session(party_id=party_id, actor=actor) as session:
                try:
                    results = await service.submit_cases(
                        session=session,
                        party_id=party_id,
                        submissions=[s for _, s in readable],
                        with_cases=False,
                    )
                except BaseException:
                    await session.rollback()
                    raise
                if dry_run:
                    await session.rollback()  # checked exactly as an import, kept nowhere
                else:
                    await session.commit()
            for result in results:
                line, submission = readable[result.index]
                for error in result.errors:
                    column = FIELD_COLUMNS.get(error.field[0], "") if error.field else ""
                    summary.rejected.append(
                        Rejection(line, submission.reference, column, error.message)
                    )
                if result.errors:
                    continue
                if result.created:
                    summary.created += 1
                else:
                    summary.already_present += 1
        progress(len(batch))
    summary.rejected.sort(key=lambda r: r.line)
    return summary


def write_rejected(path: Path, rejected: list[Rejection]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "reference", "column", "reason"])
        writer.writerows((r.line, r.reference, r.column, r.reason) for r in rejected)
