"""Evidence files are judged by their content and leave their metadata behind: a photo's
GPS position, a PDF's author, a script; a renamed file, a bomb or a locked PDF is refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from cases import evidence
from db.errors import DomainErrors


def photo_with_location(kind: str = "JPEG") -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 7.5)  # latitude: where the reporter lives
    gps[3], gps[4] = "W", (0.0, 7.0, 39.0)
    out = io.BytesIO()
    img.save(out, format=kind, exif=exif)
    return out.getvalue()


def pdf_with_author(*, encrypt: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Jane Reporter", "/Title": "Screenshots"})
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(
            "app.alert('hello');")}
    )  # fmt: skip
    writer.pages[0][NameObject("/AA")] = TextStringObject("action")
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["JPEG", "WEBP", "PNG"])
def test_a_photo_keeps_its_pixels_and_loses_its_location(kind: str) -> None:
    data = photo_with_location(kind)
    assert Image.open(io.BytesIO(data)).getexif()  # the camera's details are in the file
    [cleaned] = evidence.clean([evidence.Upload("photo", data)])
    assert cleaned.media_type == evidence.IMAGE_TYPES[kind]
    again = Image.open(io.BytesIO(cleaned.data))
    assert again.size == (64, 48) and again.format == kind
    assert not again.getexif() and b"PhoneMaker" not in cleaned.data
    assert "exif" not in again.info and "xmp" not in again.info


def test_a_pdf_loses_its_author_and_its_scripts() -> None:
    data = pdf_with_author()
    assert b"Jane Reporter" in data and b"/JavaScript" in data
    [cleaned] = evidence.clean([evidence.Upload("doc.pdf", data)])
    assert cleaned.media_type == "application/pdf"
    assert b"Jane Reporter" not in cleaned.data and b"/JavaScript" not in cleaned.data
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert len(reader.pages) == 1 and "/AA" not in reader.pages[0]
    assert (reader.metadata or {}).get("/Author") is None


def test_what_is_not_evidence_is_refused_by_its_content() -> None:
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, format="PNG")  # 81 million pixels, a few KB
    uploads = [
        evidence.Upload("page.png", b"<html><script>alert(1)</script></html>"),  # renamed
        evidence.Upload("big.png", b"\x89PNG" + b"\0" * (evidence.MAX_BYTES + 1)),
        evidence.Upload("bomb.png", bomb.getvalue()),
        evidence.Upload("locked.pdf", pdf_with_author(encrypt=True)),
        evidence.Upload("anim.gif", _gif()),
    ]
    with pytest.raises(DomainErrors) as refused:
        evidence.clean(uploads)
    assert [e.field for e in refused.value.errors] == [("evidence", str(n)) for n in range(5)]
    with pytest.raises(DomainErrors):
        evidence.clean([evidence.Upload(f"{n}.png", photo_with_location("PNG"))
                        for n in range(evidence.MAX_FILES + 1)])  # fmt: skip


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    return out.getvalue()
