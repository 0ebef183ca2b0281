"""What a landed text file is before it is read: its encoding (UTF-8, UTF-16 with a BOM, or
GBK/GB18030 Chinese text, never guessed beyond that), its line endings and its delimiter; a
UTF-8 copy with one kind of line ending when DuckDB needs one."""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class FileRejected(Exception):
    """The whole file cannot be taken; the message names the reason (the loader adds the file)."""


@dataclass(frozen=True)
class TextProfile:
    """What one pass over a text file's bytes found: its encoding and its line endings."""

    encoding: str  # utf-8, utf-8-sig, utf-16, gb18030
    lines: int  # physical lines; a last line without a newline counts
    crlf: int
    bare_cr: int
    lf: int

    @property
    def needs_copy(self) -> bool:
        """DuckDB reads UTF-8 with one kind of line ending; anything else is normalised first."""
        mixed = (0 < self.crlf < self.lf) or self.bare_cr > 0
        return self.encoding in ("utf-16", "gb18030") or mixed


def _gbk_is_plausible(sample: bytes) -> bool:
    """True when the double-byte characters look like Chinese text, not misread Western text.

    Every Latin-1/cp1252 file with an accent, and every Big5 file, also decodes as GB18030 (to
    nonsense such as 'M黮ler' for 'Müller'). Chinese text keeps almost all its characters in the
    GB2312 region (both bytes 0xA1-0xFE); misread text lands mostly in the GBK extension
    (trail byte below 0xA1). More than a fifth in the extension is not taken for GBK.
    """
    pairs = re.findall(
        rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]|[\x81-\xfe][\x40-\xfe]", sample
    )
    two_byte = [pair for pair in pairs if len(pair) == 2]
    if not two_byte:
        return True
    extension = sum(1 for pair in two_byte if pair[0] < 0xA1 or pair[1] < 0xA1)
    return extension <= len(two_byte) / 5


def profile_text(path: Path) -> TextProfile:
    """Decide the encoding and count line endings in one streaming pass over the bytes.

    UTF-8 (BOM or not) and UTF-16 with a BOM (Excel's "Unicode text") are taken as they are;
    otherwise the whole file must decode as GB18030 (a superset of GBK, as Chinese Excel saves
    CSV) and look like Chinese text. Anything else is refused rather than guessed.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextProfile("utf-16", 0, 0, 0, 0)
    utf8_error_line = 0
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        crlf = bare_cr = lf = 0
        previous = b""
        last = b""
        sample = b""
        chunk = b""
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                    joined = previous + chunk
                    crlf += joined.count(b"\r\n") - previous.count(b"\r\n")
                    lf += chunk.count(b"\n")
                    bare_cr += chunk.count(b"\r")
                    previous, last = chunk[-1:], chunk[-1:]
                    if len(sample) < (1 << 20):
                        sample += chunk[: (1 << 20) - len(sample)]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                # The chunk being decoded is not counted in lf yet (exact to within the 3 bytes
                # an incremental decoder may carry across a chunk boundary).
                utf8_error_line = lf + chunk[: max(exc.start, 0)].count(b"\n") + 1
            continue
        if encoding == "gb18030" and not _gbk_is_plausible(sample):
            break
        lines = lf + (1 if last not in (b"", b"\n") else 0)
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        return TextProfile(encoding, lines, crlf, bare_cr - crlf, lf)
    raise FileRejected(
        f"unreadable encoding (first byte that is not UTF-8 on line {utf8_error_line}): the file "
        "is neither UTF-8 (or UTF-16 with a BOM) nor GBK/GB18030 Chinese text; save it as UTF-8"
    )


@contextmanager
def utf8_text(path: Path, profile: TextProfile) -> Iterator[tuple[Path, int]]:
    """Yield a UTF-8 path DuckDB can read and its physical line count.

    The file itself when it already is UTF-8 with one kind of line ending; else a normalised copy
    (UTF-8, newlines as LF) in a temporary folder that is removed afterwards.
    """
    if not profile.needs_copy:
        yield path, profile.lines
        return
    with tempfile.TemporaryDirectory(prefix="scorecards-") as tmp:
        target = Path(tmp) / (path.stem + ".utf8.csv")
        lines = 0
        ends_with_newline = True
        source_encoding = "utf-16" if profile.encoding == "utf-16" else profile.encoding
        with (
            path.open("r", encoding=source_encoding, newline=None) as src,
            target.open("w", encoding="utf-8", newline="\n") as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
                lines += chunk.count("\n")
                ends_with_newline = chunk.endswith("\n")
        yield target, lines + (0 if ends_with_newline else 1)


def sniff_delimiter(path: Path) -> tuple[str, int]:
    """The delimiter and how many lines precede the header.

    Excel writes a ``sep=;`` line above the header when asked to; otherwise the delimiter is the
    candidate seen most often on the header line outside quotes.
    """
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
    hint = re.fullmatch(r"sep=(.)\s*", header)
    if hint:
        return hint.group(1), 1
    counts = {delim: 0 for delim in (",", ";", "\t", "|")}
    in_quotes = False
    for char in header:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda delim: counts[delim])
    return (best if counts[best] > 0 else ","), 0
