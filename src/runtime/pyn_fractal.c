/* SPDX-License-Identifier: BSD-3-Clause */
/* The fractal of the original's MPI capability test (pyn_fractal.h). The
 * arithmetic is written in the order the original's Python evaluates it
 * (complex product, then the sum; hypot for |z|), and this file is compiled
 * without floating-point contraction, so the bytes are what a Python float
 * computation gives: the tests recompute the image in Python and compare
 * every byte. */
#define _GNU_SOURCE
#include "pyn_fractal.h"

#include "pyn_file.h"
#include "pyn_tool.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double c_re = 0.4, c_im = 0.3;
static const double lo = -0.6, hi = 0.4;
static const double escape = 3.0;

int pyn_fractal_rows_of(int rank, int nranks, int *first_row, int *rows)
{
    if (nranks < 1 || rank < 0 || rank >= nranks)
        return -EINVAL;
    /* More ranks than rows: the first 400 take one row each. */
    int64_t n = nranks < PYN_FRACTAL_HEIGHT ? nranks : PYN_FRACTAL_HEIGHT;
    if (rank >= n) {
        *first_row = PYN_FRACTAL_HEIGHT;
        *rows = 0;
        return 0;
    }
    int64_t begin = (int64_t)rank * PYN_FRACTAL_HEIGHT / n, end = ((int64_t)rank + 1) * PYN_FRACTAL_HEIGHT / n;
    *first_row = (int)begin;
    *rows = (int)(end - begin);
    return 0;
}

int pyn_fractal_row_owner(int y, int nranks)
{
    if (nranks < 1 || y < 0 || y >= PYN_FRACTAL_HEIGHT)
        return -1;
    int n = nranks < PYN_FRACTAL_HEIGHT ? nranks : PYN_FRACTAL_HEIGHT;
    /* y * n / 400 is at most one rank short of the owner. */
    int r = (int)((int64_t)y * n / PYN_FRACTAL_HEIGHT), first, rows;
    while (r < n && pyn_fractal_rows_of(r, nranks, &first, &rows) == 0 && first + rows <= y)
        ++r;
    return r < n ? r : -1;
}

int pyn_fractal_iterations(int x, int y)
{
    double p_re = lo + ((double)x / PYN_FRACTAL_WIDTH) * (hi - lo);
    double p_im = lo + ((double)y / PYN_FRACTAL_HEIGHT) * (hi - lo);
    double z_re = p_re * p_re - p_im * p_im + c_re;
    double z_im = p_re * p_im + p_im * p_re + c_im;
    int iters = 0;
    for (;;) {
        if (hypot(z_re - p_re, z_im - p_im) > escape)
            break;
        if (iters >= PYN_FRACTAL_MAX_ITERATIONS)
            break;
        double re = z_re * z_re - z_im * z_im + c_re;
        double im = z_re * z_im + z_im * z_re + c_im;
        z_re = re;
        z_im = im;
        iters += 1;
    }
    return iters;
}

void pyn_fractal_pixel(int x, int y, uint8_t out[PYN_FRACTAL_PIXEL_BYTES])
{
    double cf = 255.0 * pyn_fractal_iterations(x, y) / PYN_FRACTAL_MAX_ITERATIONS;
    out[0] = (uint8_t)(int)(0.5 * cf);
    out[1] = (uint8_t)(int)(24 + 0.1 * cf);
    out[2] = (uint8_t)(int)(0.8 * cf + 32);
}

int pyn_fractal_compute_rows(int first_row, int rows, uint8_t *buf, size_t buflen, char *err, size_t errlen)
{
    if (first_row < 0 || rows < 0 || first_row > PYN_FRACTAL_HEIGHT || rows > PYN_FRACTAL_HEIGHT - first_row) {
        pyn_format_middle(err, errlen, "fractal: rows %d..%d are not within the image's 0..%d", first_row,
                          first_row + rows - 1, PYN_FRACTAL_HEIGHT - 1);
        return -EINVAL;
    }
    if (buflen < (size_t)rows * PYN_FRACTAL_ROW_BYTES || (rows > 0 && !buf)) {
        pyn_format_middle(err, errlen, "fractal: a buffer of %zu bytes cannot hold %d rows of %d bytes", buflen, rows,
                          PYN_FRACTAL_ROW_BYTES);
        return -EINVAL;
    }
    for (int y = first_row; y < first_row + rows; ++y)
        for (int x = 0; x < PYN_FRACTAL_WIDTH; ++x)
            pyn_fractal_pixel(x, y, buf + (size_t)(y - first_row) * PYN_FRACTAL_ROW_BYTES + (size_t)x * 3);
    return 0;
}

int pyn_fractal_verify(const uint8_t *image, const int64_t *lengths, int nranks, char *err, size_t errlen)
{
    if (nranks < 1 || !lengths) {
        pyn_format_middle(err, errlen, "fractal: no ranks to check");
        return -EINVAL;
    }
    for (int r = 0; r < nranks; ++r) {
        int first, rows;
        pyn_fractal_rows_of(r, nranks, &first, &rows);
        int64_t owed = (int64_t)rows * PYN_FRACTAL_ROW_BYTES;
        if (lengths[r] != owed) {
            pyn_format_middle(err, errlen,
                              "fractal: rank %d of %d sent %lld bytes, expected %lld (rows %d..%d, %d bytes each); the "
                              "gathered image is not checked further",
                              r, nranks, (long long)lengths[r], (long long)owed, first, first + rows - 1,
                              PYN_FRACTAL_ROW_BYTES);
            return -EPROTO;
        }
    }
    /* Lengths as owed: the shares follow each other, so the image is rows 0..399. */
    if (!image) {
        pyn_format_middle(err, errlen, "fractal: no image to check");
        return -EINVAL;
    }
    uint8_t *want = malloc(PYN_FRACTAL_IMAGE_BYTES);
    if (!want) {
        pyn_format_middle(err, errlen, "fractal: malloc of %zu bytes for the recomputation: %s",
                          PYN_FRACTAL_IMAGE_BYTES, strerror(ENOMEM));
        return -ENOMEM;
    }
    pyn_fractal_compute_rows(0, PYN_FRACTAL_HEIGHT, want, PYN_FRACTAL_IMAGE_BYTES, err, errlen);
    int wrong_rows = 0, first_row = -1;
    for (int y = 0; y < PYN_FRACTAL_HEIGHT; ++y) {
        const size_t at = (size_t)y * PYN_FRACTAL_ROW_BYTES;
        if (memcmp(image + at, want + at, PYN_FRACTAL_ROW_BYTES) != 0 && wrong_rows++ == 0)
            first_row = y;
    }
    if (wrong_rows == 0) {
        free(want);
        return 0;
    }
    const uint8_t *got = image + (size_t)first_row * PYN_FRACTAL_ROW_BYTES,
                  *exp = want + (size_t)first_row * PYN_FRACTAL_ROW_BYTES;
    int x = 0;
    while (x < PYN_FRACTAL_WIDTH && memcmp(got + x * 3, exp + x * 3, 3) == 0)
        ++x;
    pyn_format_middle(
        err, errlen,
        "fractal: row %d (computed by rank %d of %d) differs from the recomputation from pixel %d on: got bytes "
        "%u,%u,%u, expected %u,%u,%u (%d of %d rows differ)",
        first_row, pyn_fractal_row_owner(first_row, nranks), nranks, x, got[x * 3], got[x * 3 + 1], got[x * 3 + 2],
        exp[x * 3], exp[x * 3 + 1], exp[x * 3 + 2], wrong_rows, PYN_FRACTAL_HEIGHT);
    free(want);
    return -EBADMSG;
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = (uint8_t)(v >> (8 * i));
}

void pyn_fractal_bmp_header(uint8_t out[PYN_FRACTAL_BMP_HEADER_BYTES])
{
    memset(out, 0, PYN_FRACTAL_BMP_HEADER_BYTES);
    /* BITMAPFILEHEADER */
    out[0] = 'B';
    out[1] = 'M';
    put_u32(out + 2, (uint32_t)(PYN_FRACTAL_BMP_HEADER_BYTES + PYN_FRACTAL_IMAGE_BYTES)); /* bfSize */
    put_u32(out + 10, PYN_FRACTAL_BMP_HEADER_BYTES);                                      /* bfOffBits */
    /* BITMAPINFOHEADER */
    put_u32(out + 14, 40);                                /* biSize */
    put_u32(out + 18, PYN_FRACTAL_WIDTH);                 /* biWidth */
    put_u32(out + 22, PYN_FRACTAL_HEIGHT);                /* biHeight: positive, rows stored bottom-up */
    put_u16(out + 26, 1);                                 /* biPlanes */
    put_u16(out + 28, 8 * PYN_FRACTAL_PIXEL_BYTES);       /* biBitCount */
    put_u32(out + 30, 0);                                 /* biCompression: BI_RGB */
    put_u32(out + 34, (uint32_t)PYN_FRACTAL_IMAGE_BYTES); /* biSizeImage (rows need no padding: 1200 = 4 * 300) */
    /* biXPelsPerMeter, biYPelsPerMeter, biClrUsed, biClrImportant: 0. */
}

int pyn_fractal_write_bmp(const char *path, const uint8_t *image, char *err, size_t errlen)
{
    const size_t len = PYN_FRACTAL_BMP_HEADER_BYTES + PYN_FRACTAL_IMAGE_BYTES;
    uint8_t *file = malloc(len);
    if (!file) {
        pyn_format_middle(err, errlen, "fractal: --fractal-image: write %s: malloc: %s", path, strerror(ENOMEM));
        return -ENOMEM;
    }
    pyn_fractal_bmp_header(file);
    memcpy(file + PYN_FRACTAL_BMP_HEADER_BYTES, image, PYN_FRACTAL_IMAGE_BYTES);
    char why[512];
    int rc = pyn_file_write_atomic(path, file, len, why, sizeof why);
    free(file);
    if (rc)
        pyn_format_middle(err, errlen, "fractal: --fractal-image: %s", why);
    return rc;
}

int pyn_fractal_summary_ok(const struct pyn_fractal_summary *s)
{
    return s->ran && s->passed && (!s->image || s->image_written);
}
