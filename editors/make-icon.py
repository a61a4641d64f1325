#!/usr/bin/env python3
"""Draws the VS Code extension's icon, editors/vscode/images/icon.png: a blue shield
with a white tick, 128x128, anti-aliased by sampling each pixel 4x4 times. Standard
library only, so it runs wherever Python does:

    python3 editors/make-icon.py
"""

import math
import struct
import zlib
from pathlib import Path

SIZE = 128
SAMPLES = 4
BLUE = (35, 87, 150)
WHITE = (255, 255, 255)


def in_shield(x, y):
    # A flat top with rounded corners, straight sides, then sides that narrow to a point.
    cx, half, top, waist, bottom = 64.0, 46.0, 12.0, 70.0, 118.0
    if y < top or y > bottom:
        return False
    if y <= waist:
        corner = 10.0
        dx = abs(x - cx) - (half - corner)
        dy = (top + corner) - y
        if dx > 0 and dy > 0:
            return dx * dx + dy * dy <= corner * corner
        return abs(x - cx) <= half
    t = (y - waist) / (bottom - waist)
    return abs(x - cx) <= half * (1.0 - t * t)


def near_tick(x, y):
    width = 6.0
    points = [(40.0, 64.0), (57.0, 81.0), (89.0, 46.0)]
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        vx, vy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)))
        if math.hypot(x - (ax + t * vx), y - (ay + t * vy)) <= width:
            return True
    return False


def pixel(px, py):
    shield = tick = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            x = px + (i + 0.5) / SAMPLES
            y = py + (j + 0.5) / SAMPLES
            if in_shield(x, y):
                shield += 1
                if near_tick(x, y):
                    tick += 1
    total = SAMPLES * SAMPLES
    if shield == 0:
        return (0, 0, 0, 0)
    # Colour: the tick's share of the shield's samples; alpha: the shield's coverage.
    w = tick / shield
    rgb = tuple(round(b * (1 - w) + c * w) for b, c in zip(BLUE, WHITE))
    return rgb + (round(255 * shield / total),)


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    rows = [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    out = Path(__file__).resolve().parent / "vscode" / "images" / "icon.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png(SIZE, SIZE, rows))
    print(out)


if __name__ == "__main__":
    main()
