/* --stage's strategies and their options (pyn_stage_kind.h). */
#include "pyn_stage_kind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"none", "bcast", "cache", "pilot"};

const char *pyn_stage_kind_name(int kind)
{
    return kind >= 0 && kind <= PYN_STAGE_PILOT ? kind_names[kind] : "unknown";
}

int pyn_stage_parse_kind(const char *text, enum pyn_stage_kind *out, char *err, size_t errlen)
{
    for (int k = PYN_STAGE_NONE; k <= PYN_STAGE_PILOT; ++k)
        if (strcmp(text, kind_names[k]) == 0) {
            *out = (enum pyn_stage_kind)k;
            return 0;
        }
    snprintf(err, errlen, "--stage: '%s' is not one of none, bcast, cache, pilot", text);
    return -EINVAL;
}

int pyn_stage_parse_chunk(const char *text, uint64_t *out, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    uint64_t scale = 1;
    if (end && *end && end[1] == '\0')
        scale = *end == 'K' ? 1ull << 10 : *end == 'M' ? 1ull << 20 : *end == 'G' ? 1ull << 30 : 0;
    else if (end && *end)
        scale = 0;
    if (errno || end == text || text[0] == '-' || scale == 0 || v > (1ull << 30) / scale || v * scale < 4096) {
        snprintf(err, errlen, "--stage-chunk: '%s' is not a size from 4096 to 1G (bytes, or with K, M or G)", text);
        return -EINVAL;
    }
    *out = v * scale;
    return 0;
}
