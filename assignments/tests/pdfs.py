"""PDFs made by the tests: known text on known pages, encrypted, image-only, damaged.

``text_pdf`` writes a real PDF by hand — catalog, page tree, one content stream per page with
``BT … Tf … TL … Td (…) Tj T* … ET`` text operators, Helvetica with WinAnsiEncoding (so Latin-1
letters such as ä, é, ß come out), and a cross-reference table with exact byte offsets — that
pypdf (and any viewer) reads. The others derive from it with pypdf's writer.
"""

from __future__ import annotations

import io
import textwrap
import zlib

from pypdf import PdfReader, PdfWriter

LINE_WIDTH = 90  # characters per line: Helvetica 10 pt on A4 with 50 pt margins


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: list[str]) -> bytes:
    ops = [b"BT", b"/F1 10 Tf", b"12 TL", b"50 800 Td"]
    for line in lines:
        ops.append(b"(" + _escape(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def _lines(text: str) -> list[str]:
    """Wrap paragraphs (split on blank lines); explicit single newlines are kept as line breaks."""
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        for raw_line in paragraph.split("\n"):
            lines.extend(textwrap.wrap(raw_line, LINE_WIDTH, break_on_hyphens=False) or [""])
        lines.append("")
    return lines[:-1]


def text_pdf(pages: list[str], *, compress: bool = True, image_pages: tuple[int, ...] = ()) -> bytes:
    """A PDF whose page i (1-based) shows ``pages[i-1]``; page numbers in ``image_pages`` show
    a small grey image and no text at all (a scanned page)."""
    objects: list[bytes] = []  # objects[n-1] is object n

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x40\x40\x80\nendstream"
    )
    kids = []
    for number, text in enumerate(pages, start=1):
        if number in image_pages:
            data = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
        else:
            data = _content(_lines(text))
        if compress:
            data = zlib.compress(data)
            stream = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        else:
            stream = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                b" /Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (tree, stream, font, image)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def encrypted_pdf(pages: list[str], *, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """The same document, encrypted with AES-256 (an empty ``user_password`` opens without one)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(pages))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_only_pdf(pages: int = 2) -> bytes:
    return text_pdf([""] * pages, image_pages=tuple(range(1, pages + 1)))


def truncated_pdf(pages: list[str], keep: float = 0.4) -> bytes:
    data = text_pdf(pages)
    return data[: int(len(data) * keep)]


# --- Known text ---------------------------------------------------------------------------

TOPICS = [
    ("photosynthesis", "Photosynthesis converts light energy into chemical energy stored in glucose."),
    ("mitochondria", "Mitochondria release energy from glucose through cellular respiration."),
    ("chlorophyll", "Chlorophyll absorbs mostly blue and red light and reflects green light."),
    ("osmosis", "Osmosis is the movement of water across a semipermeable membrane."),
    ("enzymes", "Enzymes are proteins that speed up chemical reactions without being used up."),
    ("ribosomes", "Ribosomes assemble proteins from amino acids following messenger RNA."),
]

NAMES = [
    "Gregor Mendel", "Charles Darwin", "Rosalind Franklin", "Louis Pasteur", "Marie Curie",
    "Robert Hooke", "Antonie van Leeuwenhoek", "Barbara McClintock", "Alexander Fleming",
    "Carl Linnaeus", "Jane Goodall", "Rachel Carson",
]
SUBJECTS = [
    "heredity", "evolution", "crystallography", "fermentation", "radioactivity", "microscopy",
    "microorganisms", "transposons", "penicillin", "taxonomy", "primatology", "ecology",
]

# Sentences about one scientist differ in more than the year, so they are not near-duplicates.
HISTORY = [
    "In {year} the scientist {name} published an influential study about {subject} that changed how teachers explain the subject.",
    "{name} began working on {subject} in {year}, after years of careful observation in a small laboratory.",
    "Historians date the first important paper by {name} on {subject} to {year}, when few colleagues believed the idea.",
    "The museum exhibition about {subject} opened in {year} and showed notebooks written by {name} during long journeys.",
    "Letters from {year} show that {name} discussed {subject} with friends and rival researchers across Europe.",
]


def biology_pages(count: int) -> list[str]:
    """``count`` pages of distinct English sentences; page n mentions "page marker n" and a
    scientist, a subject and a year unique to it, so quotes and page numbers can be checked."""
    pages = []
    for n in range(1, count + 1):
        name = NAMES[n % len(NAMES)]
        subject = SUBJECTS[(n // len(NAMES) + n) % len(SUBJECTS)]
        year = 1700 + (n * 7) % 300
        topic, fact = TOPICS[n % len(TOPICS)]
        paragraphs = [
            f"Lesson {n}: {topic.capitalize()}",
            f"This is page marker {n} of the course reader. {fact} "
            + HISTORY[(n // len(NAMES)) % len(HISTORY)].format(year=year, name=name, subject=subject)
            + f" Students in section {n} compare the results with their own "
            "observations from the school garden and the laboratory.",
            f"The experiment on page {n} uses ordinary materials: a lamp, a beaker of water and "
            f"fresh leaves of a pondweed. When the lamp is moved closer, more bubbles of oxygen "
            f"appear, which shows that the rate of {topic} depends on the light available. "
            f"Careful students record every measurement in a table before drawing conclusions.",
        ]
        pages.append("\n\n".join(paragraphs))
    return pages


GERMAN_PAGES = [
    "Die Zelle ist die kleinste Einheit des Lebens. Jede Zelle wird von einer Membran umgeben, "
    "die den Austausch von Stoffen mit der Umgebung regelt. Im Zellkern liegt die Erbinformation, "
    "die bei der Teilung an die Tochterzellen weitergegeben wird. Robert Hooke beschrieb die Zellen "
    "im Jahr 1665 zum ersten Mal, als er Kork unter dem Mikroskop betrachtete.",
    "Die Photosynthese findet in den Chloroplasten der Pflanzenzellen statt. Dabei wird Lichtenergie "
    "in chemische Energie umgewandelt und in Traubenzucker gespeichert. Als Nebenprodukt entsteht "
    "Sauerstoff, den Tiere und Menschen zum Atmen brauchen. Die Mitochondrien sind die Kraftwerke "
    "der Zelle und setzen die Energie aus dem Zucker wieder frei.",
]
