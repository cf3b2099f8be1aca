"""Draw the web app's PNG icons (the favicon's shield and F) once; the PNGs are committed.

Pure Python (zlib): no imaging library is needed to run or build the project.
Run: ``python scripts/make_offline_icons.py``.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "offline" / "static" / "offline" / "icons"
BLUE = (1, 114, 173)
WHITE = (255, 255, 255)


def inside_shield(x: float, y: float) -> bool:
    """The favicon's shield in a 32x32 box: straight top, curved sides meeting at 31."""
    if y < 1 or y > 31:
        return False
    if y <= 6:
        half = 13 * (y - 1) / 5 if y < 6 else 13
        return abs(x - 16) <= max(half, 0) and y >= 1 + 5 * abs(x - 16) / 13
    # From y=15 the sides curve in to the point at (16, 31).
    if y <= 15:
        return 3 <= x <= 29
    t = (y - 15) / 16
    half = 13 * (1 - t**1.6)
    return abs(x - 16) <= half


def inside_f(x: float, y: float) -> bool:
    return (
        (11 <= x <= 22 and 9 <= y <= 12.2)
        or (11 <= x <= 14.6 and 9 <= y <= 24)
        or (11 <= x <= 21 and 15.5 <= y <= 18.7)
    )


def pixel(x: float, y: float, maskable: bool) -> tuple[int, int, int, int]:
    if maskable:
        # The safe zone is the middle 80%: the shield sits inside it on a blue square.
        x, y = (x - 16) / 0.72 + 16, (y - 16) / 0.72 + 16
        if inside_f(x, y):
            return (*WHITE, 255)
        return (*BLUE, 255)
    if inside_f(x, y):
        return (*WHITE, 255)
    if inside_shield(x, y):
        return (*BLUE, 255)
    return (0, 0, 0, 0)


def png(size: int, maskable: bool = False) -> bytes:
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            # 2x2 supersampling for smooth edges.
            samples = [
                pixel((i + dx) * 32 / size, (j + dy) * 32 / size, maskable)
                for dx in (0.25, 0.75)
                for dy in (0.25, 0.75)
            ]
            row.extend(sum(s[k] for s in samples) // 4 for k in range(4))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
    (OUT / "maskable-512.png").write_bytes(png(512, maskable=True))
    (OUT / "apple-touch-icon.png").write_bytes(png(180, maskable=True))
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
