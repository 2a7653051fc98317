/* SPDX-License-Identifier: BSD-3-Clause */
/* pynamic-report-schema: writes the JSON report's JSON Schema
 * (pyn_report_schema.h) to a file, atomically. The build runs it into
 * <build>/report.schema.json; docs/report.schema.json is the committed copy
 * (docs/report.md, "The schema"). */
#include "pyn_file.h"
#include "pyn_options.h"
#include "pyn_report_schema.h"
#include "pyn_tool.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *prog = pyn_prog_name(argv[0]);
    int help = 0;
    const struct pyn_option options[] = {
        PYN_OPTION_FLAG("--help", &help, NULL, "print this help and exit"),
        PYN_OPTIONS_END,
    };
    const struct pyn_option *const tables[] = {options, NULL};
    const char *positional[2];
    size_t npositional = 0;
    char err[256] = "";
    if (pyn_options_parse(tables, argc, argv, positional, 2, &npositional, err, sizeof err) == 0 && !help &&
        npositional != 1)
        snprintf(err, sizeof err, "expected one argument, the output file; got %zu", npositional);
    if (err[0]) {
        fprintf(stderr, "%s: %s\nusage: %s FILE\n", prog, err, prog);
        return PYN_EXIT_USAGE;
    }
    if (help) {
        printf("usage: %s FILE\nWrites the JSON Schema (draft 2020-12) of pynamic's JSON report to FILE.\n\n"
               "options:\n",
               prog);
        pyn_options_print_help(tables, NULL, stdout);
        return PYN_EXIT_OK;
    }
    json_t *schema = pyn_report_schema();
    char *text = schema ? json_dumps(schema, JSON_INDENT(2)) : NULL;
    json_decref(schema);
    if (!text) {
        fprintf(stderr, "%s: building the schema: out of memory\n", prog);
        return PYN_EXIT_ERROR;
    }
    size_t len = strlen(text);
    char *line = realloc(text, len + 2);
    if (!line) {
        free(text);
        fprintf(stderr, "%s: out of memory\n", prog);
        return PYN_EXIT_ERROR;
    }
    line[len] = '\n';
    line[len + 1] = '\0';
    char werr[1024];
    int rc = pyn_file_write_atomic(positional[0], line, len + 1, werr, sizeof werr);
    free(line);
    if (rc) {
        fprintf(stderr, "%s: %s\n", prog, werr);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}
