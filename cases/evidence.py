"""Evidence a reporter attaches to a report: screenshots and PDFs.

Abusive posts get deleted, so a reporter's screenshot may be the only record. Each file
is checked by its content, never by its name or declared type. An image must be PNG,
JPEG or WebP. It is decoded (at most ``MAX_PIXELS``, so a decompression bomb is refused)
and encoded again from its pixels alone, which drops EXIF (GPS location, camera, time),
XMP and every other metadata. A PDF is rewritten page by page (``pypdf``) without its
document information, XMP metadata, attachments, scripts or page actions. What is kept is
sealed to the party's key like the report's text (``db.envelope``). It is deleted with
the text, on withdrawal or by retention (``report_evidence_erased()``).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from cases import receipts
from cases.errors import CaseErrorCode
from db import envelope
from db.errors import DomainError, DomainErrors

PURPOSE = "evidence"
MAX_FILES = 5  # per upload, and MAX_PER_REPORT in all
MAX_PER_REPORT = 10
MAX_BYTES = 5 * 1024 * 1024  # per file, as sent
MAX_PIXELS = 40_000_000
MAX_PAGES = 50
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Cleaned:
    media_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Evidence:
    id: UUID
    report_id: UUID
    added_at: datetime
    media_type: str
    size_bytes: int


def _refused(n: int, message: str) -> DomainError:
    return DomainError(CaseErrorCode.INVALID_EVIDENCE, message, field=("evidence", str(n)))


def _image(data: bytes) -> Cleaned | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                kind = img.format or ""
                if kind not in IMAGE_TYPES:
                    return None
                if img.width * img.height > MAX_PIXELS:
                    raise ValueError("too large")
                img.load()
                upright = ImageOps.exif_transpose(img)  # keep what the camera meant
                pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    if kind == "JPEG" and pixels.mode not in ("RGB", "L"):
        pixels = pixels.convert("RGB")
    out = io.BytesIO()
    options: dict[str, Any] = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(kind, {})
    pixels.save(out, format=kind, **options)  # from pixels alone: no EXIF, XMP, ICC, text
    return Cleaned(IMAGE_TYPES[kind], out.getvalue())


def _pdf(data: bytes) -> Cleaned | None:
    if not data.startswith(b"%PDF-"):
        return None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted or len(reader.pages) > MAX_PAGES:
            return None
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/AA", "/Metadata", "/PieceInfo"):
                if key in page:
                    del page[key]
            writer.add_page(page)
        writer.add_metadata({"/Producer": "Joint Code"})
        out = io.BytesIO()
        writer.write(out)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return None
    return Cleaned("application/pdf", out.getvalue())


def clean(uploads: list[Upload]) -> list[Cleaned]:
    """Every file checked by its content and stripped of its metadata, or every problem."""
    problems: list[DomainError] = []
    kept: list[Cleaned] = []
    if len(uploads) > MAX_FILES:
        raise DomainErrors([_refused(MAX_FILES, f"At most {MAX_FILES} files at a time.")])
    for n, upload in enumerate(uploads):
        if len(upload.data) > MAX_BYTES:
            problems.append(_refused(n, f"{upload.name[:60]}: at most 5 MB per file."))
            continue
        cleaned = _pdf(upload.data) or _image(upload.data)
        if cleaned is None:
            problems.append(
                _refused(
                    n,
                    f"{upload.name[:60]}: not a file we can take. Send screenshots or photos "
                    "(PNG, JPEG or WebP) or PDF documents, not password-protected.",
                )
            )
            continue
        kept.append(cleaned)
    if problems:
        raise DomainErrors(problems)
    return kept


async def attach(
    *,
    session: AsyncSession,
    kek: envelope.KeyEncryptionKey,
    code: str,
    secret: str,
    files: list[Cleaned],
) -> int:
    """Seal each file to the report's party and attach it, by the report's receipt;
    returns how many were attached (0 when the receipt does not match or the report is
    closed)."""
    if not files:
        return 0
    hashed = receipts.secret_hash(secret)
    party_id = await session.scalar(
        text("SELECT party_id FROM report_for_receipt(:c, :h)"),
        {"c": receipts.normalise_code(code), "h": hashed},
    )
    if party_id is None:
        return 0
    public_key = await session.scalar(
        text("SELECT public_key FROM party_seal_keys WHERE party_id = :p"), {"p": party_id}
    )
    attached = 0
    for f in files:
        sealed = envelope.seal(
            f.data, public_key=bytes(public_key), party_id=party_id, purpose=PURPOSE
        )
        made = await session.scalar(
            text("SELECT attach_evidence(:c, :h, :kind, :size, :sealed, :most)"),
            {
                "c": receipts.normalise_code(code),
                "h": hashed,
                "kind": f.media_type,
                "size": len(f.data),
                "sealed": sealed,
                "most": MAX_PER_REPORT,
            },
        )
        attached += made is not None
    return attached


async def for_reports(
    *, session: AsyncSession, report_ids: list[UUID]
) -> dict[UUID, list[Evidence]]:
    """The files of each report (the party's own: row-level security), in one query."""
    rows = await session.execute(
        text(
            "SELECT id, report_id, added_at, media_type, size_bytes FROM report_evidence "
            "WHERE report_id = ANY(:ids) ORDER BY added_at, id"
        ),
        {"ids": report_ids},
    )
    found: dict[UUID, list[Evidence]] = {r: [] for r in report_ids}
    for row in rows:
        found[row.report_id].append(Evidence(**dict(row._mapping)))
    return found


async def opened(
    *, session: AsyncSession, kek: envelope.KeyEncryptionKey, evidence_id: UUID
) -> tuple[str, bytes] | None:
    """A file opened for its party's officer (type and bytes); None if not theirs."""
    row = (
        await session.execute(
            text("SELECT party_id, media_type, sealed FROM report_evidence WHERE id = :id"),
            {"id": evidence_id},
        )
    ).first()
    wrapped = await session.scalar(text("SELECT party_private_key()"))
    if row is None or wrapped is None:
        return None
    data = envelope.open_sealed(
        bytes(row.sealed), wrapped_private_key=bytes(wrapped), kek=kek,
        party_id=row.party_id, purpose=PURPOSE,
    )  # fmt: skip
    return row.media_type, data


async def reseal_for_transfer(
    *,
    session: AsyncSession,
    kek: envelope.KeyEncryptionKey,
    report_id: UUID,
    wrapped_private_key: bytes,
    from_party: UUID,
    to_public_key: bytes,
    to_party: UUID,
) -> None:
    """A transferred report's files, sealed afresh to the party now holding it."""
    rows = await session.execute(
        text("SELECT id, sealed FROM report_evidence WHERE report_id = :r"), {"r": report_id}
    )
    for row in rows.all():
        data = envelope.open_sealed(
            bytes(row.sealed), wrapped_private_key=wrapped_private_key, kek=kek,
            party_id=from_party, purpose=PURPOSE,
        )  # fmt: skip
        resealed = envelope.seal(data, public_key=to_public_key, party_id=to_party,
                                 purpose=PURPOSE)  # fmt: skip
        await session.execute(
            text("SELECT move_evidence(:id, :sealed)"), {"id": row.id, "sealed": resealed}
        )
