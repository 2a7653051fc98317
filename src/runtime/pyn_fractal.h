/* SPDX-License-Identifier: BSD-3-Clause */
/* pyn_fractal.h: the original's MPI capability test, without MPI: the
 * image it computes, how its rows are split between ranks, the check of a
 * gathered image and the BMP file it is written as. The collective step
 * that times it across ranks is pyn_fractal_mpi.h; this part runs in one
 * process (the unit test drives it so).
 *
 * The image: a Julia set of f(z) = z*z + c, c = 0.4 + 0.3i, 400 x 400
 * pixels. Column x is re = -0.6 + (x/400) * (0.4 - (-0.6)), row y is
 * im = -0.6 + (y/400) * (0.4 - (-0.6)). From a pixel's point p: next =
 * f(p), iters = 0; then, until |next - p| > 3 or iters reaches 64, next =
 * f(next) and iters += 1. The colour factor cf = 255 * iters / 64 gives the
 * pixel's three bytes, in this order: (int)(0.5 cf), (int)(24 + 0.1 cf),
 * (int)(0.8 cf + 32) (blue, green, red, as BMP stores them).
 *
 * A row is the 400 pixels of one y, 1200 bytes; the image is rows 0..399 in
 * that order. As a BMP (24 bits per pixel, positive height) the first row
 * stored is the bottom one: row 0 (im = -0.6) is drawn at the bottom. */
#ifndef PYN_FRACTAL_H
#define PYN_FRACTAL_H

#include <stddef.h>
#include <stdint.h>

#define PYN_FRACTAL_WIDTH 400
#define PYN_FRACTAL_HEIGHT 400
#define PYN_FRACTAL_MAX_ITERATIONS 64
#define PYN_FRACTAL_PIXEL_BYTES 3
#define PYN_FRACTAL_ROW_BYTES (PYN_FRACTAL_WIDTH * PYN_FRACTAL_PIXEL_BYTES)
#define PYN_FRACTAL_IMAGE_BYTES ((size_t)PYN_FRACTAL_HEIGHT * PYN_FRACTAL_ROW_BYTES)
/* BITMAPFILEHEADER (14 bytes) + BITMAPINFOHEADER (40 bytes). */
#define PYN_FRACTAL_BMP_HEADER_BYTES 54

/* What the test cost one rank (plain data: gathered over MPI as bytes). */
struct pyn_fractal_record {
    int32_t ran;       /* the test ran on this rank (every rank reached the end of the visit) */
    int32_t first_row; /* this rank's rows: [first_row, first_row + rows) */
    int32_t rows;
    int32_t reserved;
    double compute_s; /* computing its rows, on this rank's clock; NaN when the test did not run */
};

#define PYN_FRACTAL_ERROR_MAX 512

/* The test's outcome, as rank 0 saw it (the reports read it). */
struct pyn_fractal_summary {
    int ran;           /* every rank took part (the visit had ended on every rank) */
    int passed;        /* every share arrived with its length and every byte matched the recomputation */
    double span_s;     /* rank 0: barrier to barrier, the original's "fractal mpi time"; NaN when it did not run */
    const char *image; /* --fractal-image, or NULL */
    int image_written; /* the image was written to it */
    char error[PYN_FRACTAL_ERROR_MAX]; /* one line when the test failed or the image was not written; else empty */
};

/* The test ran, passed, and wrote the image if one was asked for. */
int pyn_fractal_summary_ok(const struct pyn_fractal_summary *s);

/* The rows rank computes in a job of nranks: with n = min(nranks, 400),
 * ranks below n compute [floor(rank * 400 / n), floor((rank + 1) * 400 / n));
 * the others compute none (*rows 0, *first_row 400). Every row belongs to
 * exactly one rank and the ranks' rows follow each other in rank order.
 * Returns 0, or -EINVAL (nranks < 1, rank outside 0..nranks-1). */
int pyn_fractal_rows_of(int rank, int nranks, int *first_row, int *rows);

/* The rank that computes row y in a job of nranks (-1 for a row outside
 * the image or an invalid nranks). */
int pyn_fractal_row_owner(int y, int nranks);

/* How many iterations pixel (x, y) takes (0..64), as defined above. */
int pyn_fractal_iterations(int x, int y);

/* The three bytes of pixel (x, y), in BMP order (blue, green, red). */
void pyn_fractal_pixel(int x, int y, uint8_t out[PYN_FRACTAL_PIXEL_BYTES]);

/* Computes rows [first_row, first_row + rows) into buf, one after the
 * other (rows * PYN_FRACTAL_ROW_BYTES bytes; buflen must hold them).
 * Returns 0, or -EINVAL (rows outside the image, buf too small) with one
 * line in err. */
int pyn_fractal_compute_rows(int first_row, int rows, uint8_t *buf, size_t buflen, char *err, size_t errlen);

/* Checks an image gathered from nranks ranks: lengths[r] is how many bytes
 * rank r sent, image their concatenation in rank order (sum of lengths
 * bytes). Every rank must have sent exactly its rows (pyn_fractal_rows_of)
 * and every byte must equal a recomputation done here. Returns 0; -EPROTO
 * when a rank's share has the wrong length (err names the rank, what it
 * sent and what it owed); -EBADMSG when a byte differs (err names the first
 * wrong row, the rank that computed it, the first wrong pixel and both
 * values); -EINVAL or -ENOMEM with err saying so. err names the test
 * ("fractal: ..."). */
int pyn_fractal_verify(const uint8_t *image, const int64_t *lengths, int nranks, char *err, size_t errlen);

/* The 54-byte header of the image as a BMP file: "BM", file size, pixel
 * offset 54; BITMAPINFOHEADER of 40 bytes, width and height 400, 1 plane,
 * 24 bits per pixel, BI_RGB, image size; little-endian. */
void pyn_fractal_bmp_header(uint8_t out[PYN_FRACTAL_BMP_HEADER_BYTES]);

/* Writes the header and the image (PYN_FRACTAL_IMAGE_BYTES bytes) to path
 * atomically (a temporary file beside it, renamed; nothing is left behind
 * on failure). Returns 0 or a negative errno with one line in err:
 * "fractal: --fractal-image: write PATH: CALL: REASON". */
int pyn_fractal_write_bmp(const char *path, const uint8_t *image, char *err, size_t errlen);

#endif
