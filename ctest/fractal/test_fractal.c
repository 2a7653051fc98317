/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit test of pyn_fractal (no MPI, one process): the row split, pixels
 * worked out by hand from the definition, the check of a gathered image,
 * the BMP header and file (the output-path check is ctest/outputs/test_outputs.c).
 *
 *   test_fractal WORKDIR
 *
 * works in a new directory under WORKDIR (made if missing), removed when
 * every check passed.
 * One "CHECK FAILED:" line per failed check (pyn_check.h); exits 1 if any
 * failed. */
#define _GNU_SOURCE
#include "pyn_check_workdir.h"
#include "pyn_fractal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every row exactly once, the ranks' shares in rank order, the owner of each row agreeing. */
static void test_split(int nranks)
{
    int next = 0, busy = 0;
    for (int r = 0; r < nranks; ++r) {
        int first = -1, rows = -1;
        CHECK(pyn_fractal_rows_of(r, nranks, &first, &rows) == 0, "rows_of(%d, %d) failed", r, nranks);
        CHECK(rows >= 0, "N=%d: rank %d has %d rows", nranks, r, rows);
        if (rows == 0) {
            CHECK(first == PYN_FRACTAL_HEIGHT, "N=%d: rank %d has no rows but first_row %d", nranks, r, first);
            continue;
        }
        busy++;
        CHECK(first == next, "N=%d: rank %d starts at row %d, expected %d (in order, no gap, no overlap)", nranks, r,
              first, next);
        for (int y = first; y < first + rows; ++y)
            CHECK(pyn_fractal_row_owner(y, nranks) == r, "N=%d: row %d owned by %d, computed by %d", nranks, y,
                  pyn_fractal_row_owner(y, nranks), r);
        next = first + rows;
    }
    CHECK(next == PYN_FRACTAL_HEIGHT, "N=%d: the shares end at row %d, not 400", nranks, next);
    int want_busy = nranks < PYN_FRACTAL_HEIGHT ? nranks : PYN_FRACTAL_HEIGHT;
    CHECK(busy == want_busy, "N=%d: %d ranks have rows, expected %d", nranks, busy, want_busy);
}

static void expect_rows(int rank, int nranks, int first, int rows)
{
    int f = -1, n = -1;
    pyn_fractal_rows_of(rank, nranks, &f, &n);
    CHECK(f == first && n == rows, "rank %d of %d: rows [%d, +%d), expected [%d, +%d)", rank, nranks, f, n, first,
          rows);
}

static void test_rows(void)
{
    const int sizes[] = {1, 3, 7, 400, 401, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i)
        test_split(sizes[i]);
    /* floor(r * 400 / N): N = 3 gives 133, 133, 134; N = 7 gives six of 57, then 58. */
    expect_rows(0, 1, 0, 400);
    expect_rows(0, 3, 0, 133);
    expect_rows(1, 3, 133, 133);
    expect_rows(2, 3, 266, 134);
    for (int r = 0; r < 6; ++r)
        expect_rows(r, 7, (r * 400) / 7, 57);
    expect_rows(6, 7, 342, 58);
    /* More ranks than rows: rank r < 400 takes row r, the ranks past 400 none. */
    expect_rows(0, 401, 0, 1);
    expect_rows(399, 401, 399, 1);
    expect_rows(400, 401, 400, 0);
    expect_rows(4095, 4096, 400, 0);
    expect_rows(123, 4096, 123, 1);
    int f, n;
    CHECK(pyn_fractal_rows_of(-1, 3, &f, &n) == -EINVAL, "rank -1 accepted");
    CHECK(pyn_fractal_rows_of(3, 3, &f, &n) == -EINVAL, "rank 3 of 3 accepted");
    CHECK(pyn_fractal_rows_of(0, 0, &f, &n) == -EINVAL, "0 ranks accepted");
    CHECK(pyn_fractal_row_owner(400, 3) == -1 && pyn_fractal_row_owner(-1, 3) == -1, "row outside the image owned");
}

static void expect_pixel(int x, int y, int iters, int b, int g, int r)
{
    uint8_t px[3];
    pyn_fractal_pixel(x, y, px);
    int got = pyn_fractal_iterations(x, y);
    CHECK(got == iters, "pixel (%d, %d): %d iterations, expected %d", x, y, got, iters);
    CHECK(px[0] == b && px[1] == g && px[2] == r, "pixel (%d, %d): bytes %u,%u,%u, expected %d,%d,%d", x, y, px[0],
          px[1], px[2], b, g, r);
}

static void test_pixels(void)
{
    /* By hand, from the definition. (0, 0): p = -0.6 - 0.6i, f(p) = 0.4 + 1.02i; |next - p| is 1.90, 1.72,
     * 0.17, 2.01, 1.45, 1.88, 2.21, then 7.24 > 3 after 7 iterations; cf = 255 * 7 / 64 = 27.890625:
     * int(13.95) = 13, int(26.79) = 26, int(54.31) = 54. */
    expect_pixel(0, 0, 7, 13, 26, 54);
    /* (399, 0): p = 0.3975 - 0.6i; |next - p| stays below 3 (the closest: 2.865 at iteration 9) until 5.41
     * after 10; cf = 39.84375: 19, int(27.98) = 27, int(63.875) = 63. */
    expect_pixel(399, 0, 10, 19, 27, 63);
    /* (3, 0) never leaves the disc of radius 3 around its point: the cap, 64 iterations; cf = 255:
     * int(127.5) = 127, int(49.5) = 49, int(236) = 236. */
    expect_pixel(3, 0, 64, 127, 49, 236);

    /* compute_rows lays the pixels out row after row, 1200 bytes each. */
    uint8_t rows[2 * PYN_FRACTAL_ROW_BYTES];
    char err[256] = "";
    CHECK(pyn_fractal_compute_rows(0, 2, rows, sizeof rows, err, sizeof err) == 0, "compute_rows(0, 2): %s", err);
    CHECK(rows[0] == 13 && rows[1] == 26 && rows[2] == 54, "row 0 does not start with pixel (0, 0)");
    CHECK(rows[3 * 3] == 127 && rows[3 * 3 + 1] == 49 && rows[3 * 3 + 2] == 236, "row 0: pixel 3 misplaced");
    CHECK(rows[399 * 3] == 19 && rows[399 * 3 + 1] == 27 && rows[399 * 3 + 2] == 63, "row 0: pixel 399 misplaced");
    uint8_t px[3];
    pyn_fractal_pixel(7, 1, px);
    CHECK(memcmp(rows + PYN_FRACTAL_ROW_BYTES + 7 * 3, px, 3) == 0, "row 1: pixel 7 misplaced");
    CHECK(pyn_fractal_compute_rows(399, 2, rows, sizeof rows, err, sizeof err) == -EINVAL &&
              strncmp(err, "fractal: rows 399..400", 22) == 0,
          "rows past the image accepted (%s)", err);
    CHECK(pyn_fractal_compute_rows(0, 3, rows, sizeof rows, err, sizeof err) == -EINVAL && strstr(err, "cannot hold"),
          "a short buffer accepted (%s)", err);
    CHECK(pyn_fractal_compute_rows(400, 0, NULL, 0, err, sizeof err) == 0, "no rows at the end refused: %s", err);
}

static uint8_t *whole_image(void)
{
    uint8_t *image = malloc(PYN_FRACTAL_IMAGE_BYTES);
    char err[256];
    if (!image || pyn_fractal_compute_rows(0, PYN_FRACTAL_HEIGHT, image, PYN_FRACTAL_IMAGE_BYTES, err, sizeof err)) {
        printf("FAILED: cannot compute the whole image\n");
        exit(1);
    }
    return image;
}

static void test_verify(void)
{
    uint8_t *image = whole_image();
    char err[512] = "";
    int64_t lengths[3] = {133 * 1200, 133 * 1200, 134 * 1200};
    CHECK(pyn_fractal_verify(image, lengths, 3, err, sizeof err) == 0, "a right image refused: %s", err);
    int64_t one[1] = {PYN_FRACTAL_IMAGE_BYTES};
    CHECK(pyn_fractal_verify(image, one, 1, err, sizeof err) == 0, "a right image from one rank refused: %s", err);

    /* A share of the wrong length: named by rank, what it sent and what it owed. */
    int64_t short_share[3] = {133 * 1200, 132 * 1200, 135 * 1200};
    CHECK(pyn_fractal_verify(image, short_share, 3, err, sizeof err) == -EPROTO &&
              strstr(err, "fractal: rank 1 of 3 sent 158400 bytes, expected 159600 (rows 133..265"),
          "a short share not named: %s", err);

    /* One wrong byte in row 200 (rank 1's share at 3 ranks), then another in row 0. */
    image[200 * PYN_FRACTAL_ROW_BYTES + 5 * 3 + 2] ^= 0x40;
    CHECK(pyn_fractal_verify(image, lengths, 3, err, sizeof err) == -EBADMSG &&
              strstr(err, "fractal: row 200 (computed by rank 1 of 3) differs") && strstr(err, "from pixel 5 on") &&
              strstr(err, "(1 of 400 rows differ)"),
          "a wrong byte in row 200 not named: %s", err);
    image[3] ^= 1;
    CHECK(pyn_fractal_verify(image, lengths, 3, err, sizeof err) == -EBADMSG &&
              strstr(err, "fractal: row 0 (computed by rank 0 of 3)") && strstr(err, "from pixel 1 on") &&
              strstr(err, "(2 of 400 rows differ)"),
          "the first wrong row is not the one named: %s", err);
    /* At 401 ranks row 200 is rank 200's. */
    image[3] ^= 1;
    int64_t per_row[401];
    for (int r = 0; r < 401; ++r)
        per_row[r] = r < 400 ? PYN_FRACTAL_ROW_BYTES : 0;
    CHECK(pyn_fractal_verify(image, per_row, 401, err, sizeof err) == -EBADMSG &&
              strstr(err, "row 200 (computed by rank 200 of 401)"),
          "row 200 at 401 ranks: %s", err);
    free(image);
}

static uint32_t u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void check_header(const uint8_t *h, const char *what)
{
    CHECK(h[0] == 'B' && h[1] == 'M', "%s: magic %c%c", what, h[0], h[1]);
    CHECK(u32(h + 2) == 480054, "%s: bfSize %u, expected 54 + 480000", what, u32(h + 2));
    CHECK(u16(h + 6) == 0 && u16(h + 8) == 0, "%s: reserved fields not 0", what);
    CHECK(u32(h + 10) == 54, "%s: bfOffBits %u", what, u32(h + 10));
    CHECK(u32(h + 14) == 40, "%s: biSize %u", what, u32(h + 14));
    CHECK(u32(h + 18) == 400 && u32(h + 22) == 400, "%s: %u x %u", what, u32(h + 18), u32(h + 22));
    CHECK(u16(h + 26) == 1, "%s: biPlanes %u", what, u16(h + 26));
    CHECK(u16(h + 28) == 24, "%s: biBitCount %u", what, u16(h + 28));
    CHECK(u32(h + 30) == 0, "%s: biCompression %u (BI_RGB is 0)", what, u32(h + 30));
    CHECK(u32(h + 34) == 480000, "%s: biSizeImage %u", what, u32(h + 34));
    for (int off = 38; off < 54; off += 4)
        CHECK(u32(h + off) == 0, "%s: header bytes %d..%d not 0", what, off, off + 3);
}

/* Entries of dir besides . and .. (-1 when it cannot be read). */
static void test_bmp(const char *work)
{
    uint8_t h[PYN_FRACTAL_BMP_HEADER_BYTES];
    pyn_fractal_bmp_header(h);
    check_header(h, "pyn_fractal_bmp_header");

    uint8_t *image = whole_image();
    char *path = NULL, *missing = NULL, err[512] = "";
    if (asprintf(&path, "%s/image.bmp", work) < 0 || asprintf(&missing, "%s/no-such-dir/image.bmp", work) < 0)
        exit(1);
    CHECK(pyn_fractal_write_bmp(path, image, err, sizeof err) == 0, "write_bmp: %s", err);
    FILE *f = fopen(path, "rb");
    uint8_t *file = malloc(480054 + 1);
    size_t n = f && file ? fread(file, 1, 480054 + 1, f) : 0;
    if (f)
        fclose(f);
    CHECK(n == 480054, "%s holds %zu bytes, expected 480054", path, n);
    if (n == 480054) {
        check_header(file, path);
        CHECK(memcmp(file + 54, image, PYN_FRACTAL_IMAGE_BYTES) == 0, "%s: the rows are not the image's", path);
    }
    CHECK(pyn_check_count_entries(work) == 1, "%s holds %d entries after the write, expected only image.bmp", work,
          pyn_check_count_entries(work));
    int rc = pyn_fractal_write_bmp(missing, image, err, sizeof err);
    CHECK(rc == -ENOENT && strstr(err, "fractal: --fractal-image: write ") &&
              strstr(err, "create temporary file: No such file or directory"),
          "write into a missing directory: %d, %s", rc, err);
    unlink(path);
    free(file);
    free(image);
    free(path);
    free(missing);
}

int main(int argc, char **argv)
{
    char *work = NULL;
    int status = pyn_check_workdir_begin(argc, argv, &work);
    if (status)
        return status;
    test_rows();
    test_pixels();
    test_verify();
    test_bmp(work);
    return pyn_check_workdir_end(work);
}
