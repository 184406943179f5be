"""Small media helpers: image sniffing and tiny sample files for user-side uploads."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from emulator.state import StoredFile

#: a minimal (not decodable) WebP header, enough to look like a sticker file
STICKER_BYTES = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\xff\x01\x00\xff\x01\x00"
)


def photo_size(record: StoredFile, width: int, height: int) -> dict[str, Any]:
    """A Telegram ``PhotoSize`` for ``record``."""
    return {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "file_size": len(record.data),
        "width": width,
        "height": height,
    }


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/GIF/JPEG/WebP image, None if ``data`` is not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return 0, 0
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
        return 0, 0
    return None


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG of the given size (red pixels)."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(tag + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
