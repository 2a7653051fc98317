/* pynamic-report-schema: writes the JSON report's JSON Schema
 * (pyn_report_schema.h) to a file, atomically. The build runs it into
 * <build>/report.schema.json; docs/report.schema.json is the committed copy
 * (docs/report.md, "The schema"). */
#include "pyn_file.h"
#include "pyn_report_schema.h"
#include "pyn_tool.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "usage: pynamic-report-schema FILE\n"
                            "Writes the JSON Schema (draft 2020-12) of pynamic's JSON report to FILE.\n";

int main(int argc, char **argv)
{
    const char *prog = pyn_prog_name(argv[0]);
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return PYN_EXIT_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "%s: expected one argument, the output file\n%s", prog, usage);
        return PYN_EXIT_USAGE;
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
    char err[1024];
    int rc = pyn_file_write_atomic(argv[1], line, len + 1, err, sizeof err);
    free(line);
    if (rc) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return PYN_EXIT_ERROR;
    }
    return PYN_EXIT_OK;
}
