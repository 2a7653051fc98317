# SPDX-License-Identifier: BSD-3-Clause
"""The MPI capability test (docs/report.md): each rank's rows, the summary, and the image recomputed here in
Python floats."""
import math
import struct

from pynamictest import check, positive

from .options import program_option


FRACTAL_SIZE = 400


def fractal_rows(rank, nranks):
    """The rows a rank owes: with n = min(nranks, 400), ranks below n take [r*400//n, (r+1)*400//n), the rest none."""
    n = min(nranks, FRACTAL_SIZE)
    if rank >= n:
        return FRACTAL_SIZE, 0
    first, end = rank * FRACTAL_SIZE // n, (rank + 1) * FRACTAL_SIZE // n
    return first, end - first


def fractal_image_bytes():
    """The whole image from its definition, in Python floats (as the original computed it): rows 0..399, each 400
    pixels of three bytes (blue, green, red)."""
    c = complex(0.4, 0.3)
    lo, hi = -0.6, 0.4
    out = bytearray()
    for y in range(FRACTAL_SIZE):
        im = lo + (y / FRACTAL_SIZE) * (hi - lo)
        for x in range(FRACTAL_SIZE):
            p = complex(lo + (x / FRACTAL_SIZE) * (hi - lo), im)
            nxt = p * p + c
            iters = 0
            while True:
                if abs(nxt - p) > 3.0:
                    break
                if iters >= 64:
                    break
                nxt = nxt * nxt + c
                iters += 1
            cf = 255.0 * iters / 64
            out += bytes((int(0.5 * cf), int(24 + 0.1 * cf), int(0.8 * cf + 32)))
    return bytes(out)


def check_fractal_image(path, nranks):
    """A 24-bit BMP of the image: the 54-byte header, then rows 0..399 (bottom-up), every byte as recomputed."""
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) == 54 + 3 * FRACTAL_SIZE * FRACTAL_SIZE, f"{path}: {len(data)} bytes, expected 480054")
    fields = struct.unpack("<2sIHHIIiiHHIIiiII", data[:54])
    want = (b"BM", 480054, 0, 0, 54, 40, FRACTAL_SIZE, FRACTAL_SIZE, 1, 24, 0, 480000, 0, 0, 0, 0)
    check(fields == want, f"{path}: BMP header {fields}, expected {want}")
    image, row = fractal_image_bytes(), 3 * FRACTAL_SIZE
    if data[54:] != image:
        y = next(y for y in range(FRACTAL_SIZE) if data[54 + y * row:54 + (y + 1) * row] != image[y * row:(y + 1) * row])
        owner = next(r for r in range(nranks) if fractal_rows(r, nranks)[0] <= y < sum(fractal_rows(r, nranks)))
        check(False, f"{path}: row {y} (rank {owner}'s) differs from the recomputation in Python")


def check_fractal(report, args):
    """Every rank took part in the test and computed exactly its rows; the summary agrees with the rows; rank 0's
    span is the line's; the image was written where asked, and nowhere else."""
    n = report["nranks"]
    f = report["summary"]["fractal"]
    check(f["ran"] is True and f["passed"] is True and f["error"] is None, f"summary.fractal {f}")
    check((f["width"], f["height"]) == (FRACTAL_SIZE, FRACTAL_SIZE), f"summary.fractal size {f['width']}x{f['height']}")
    positive(f["span_s"], "summary.fractal.span_s")
    check(report["spans"]["fractal_s"] == f["span_s"], "spans.fractal_s vs summary.fractal.span_s")
    s = report["summary"]["fractal_s"]
    for key in ("min", "median", "mean", "max"):
        check(f[key] == s[key], f"summary.fractal.{key} {f[key]} vs summary.fractal_s.{key} {s[key]}")
    rows = 0
    for i, r in enumerate(report["ranks"]):
        first, count = fractal_rows(i, n)
        check((r["fractal_first_row"], r["fractal_rows"]) == (first, count),
              f"ranks[{i}]: fractal rows from {r['fractal_first_row']}, {r['fractal_rows']} of them; expected "
              f"{first}, {count} of {n} ranks")
        rows += r["fractal_rows"]
        x = r["fractal_s"]
        check(isinstance(x, (int, float)) and math.isfinite(x) and x >= 0 and (x > 0 or count == 0),
              f"ranks[{i}].fractal_s = {x!r} for {count} rows")
    check(rows == FRACTAL_SIZE, f"the ranks computed {rows} rows, not {FRACTAL_SIZE}")
    given = program_option(args.command, "--fractal-image", args.fractal_image)
    check(report["options"]["fractal_image"] == given, f"options.fractal_image {report['options']['fractal_image']!r}, "
                                                       f"the command gave {given!r}")
    check(f["image"] == given, f"summary.fractal.image {f['image']!r}, expected {given!r}")
