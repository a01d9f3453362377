"""A small PDF with real text on each page (Helvetica, one line per sentence), written by hand:
pypdf reads text back from it, so the whole generation pipeline has something to work on."""

from __future__ import annotations

import textwrap


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(pages: list[str]) -> bytes:
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, text in enumerate(pages):
        lines = [line for paragraph in text.split("\n") for line in (textwrap.wrap(paragraph, 80) or [""])]
        body = "BT /F1 11 Tf 14 TL 50 790 Td " + " ".join(f"({_escape(line)}) '" for line in lines) + " ET"
        stream = body.encode("latin-1")
        content_id = page_ids[i] + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {content_id} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


CELLS = [
    "The cell is the basic unit of life. Every living organism is made of one or more cells. "
    "Robert Hooke first described cells in 1665 when he looked at cork under a microscope. "
    "The cell theory states that all living things are made of cells and that cells come from other cells.",
    "The nucleus contains the genetic material of the cell. Chromosomes inside the nucleus carry DNA. "
    "The nuclear envelope is a double membrane that surrounds the nucleus. "
    "Ribosomes build proteins by reading messenger RNA copied from DNA.",
    "Mitochondria release energy from glucose during aerobic respiration. "
    "Chloroplasts capture light energy and carry out photosynthesis in plant cells. "
    "The cell membrane controls which substances enter and leave the cell. "
    "Plant cells have a rigid cell wall made of cellulose.",
]
