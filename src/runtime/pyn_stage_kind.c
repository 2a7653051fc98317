/* SPDX-License-Identifier: BSD-3-Clause */
/* --stage's strategies (pyn_stage_kind.h). */
#include "pyn_stage_kind.h"

const char *const pyn_stage_kind_names[] = {"none", "bcast", "cache", "pilot", 0};

const char *pyn_stage_kind_name(int kind)
{
    return kind >= 0 && kind <= PYN_STAGE_PILOT ? pyn_stage_kind_names[kind] : "unknown";
}
