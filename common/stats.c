/* The counters' storage and their two printed forms (a table for --stats,
 * a JSON object for --stats-json). Owns no policy about what is counted:
 * that is the lists in stats.h. Must not print to stdout by itself (stdout
 * is the guest's serial console): the caller chooses the stream. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "common/stats.h"
#include "common/types.h"

struct stats g_stats;

struct counter_desc {
    const char *name;
    const char *description;
    size_t offset;
};

#define STATS_DESC(name, desc) { #name, desc, offsetof(struct stats, name) },
static const struct counter_desc counters[] = { STATS_COUNTERS(STATS_DESC) };
#undef STATS_DESC

#define STATS_NAME(name, desc) { #name, desc, 0 },
static const struct counter_desc exit_descs[] = { STATS_EXIT_REASONS(STATS_NAME) };
static const struct counter_desc callout_descs[] = { STATS_CALLOUT_KINDS(STATS_NAME) };
#undef STATS_NAME

_Static_assert(ARRAY_SIZE(exit_descs) == EXIT_REASON_COUNT, "exit names");
_Static_assert(ARRAY_SIZE(callout_descs) == CALLOUT_KIND_COUNT, "callout names");

const char *exit_reason_name(enum exit_reason r)
{
    return (unsigned)r < EXIT_REASON_COUNT ? exit_descs[r].name : "?";
}

const char *callout_kind_name(enum callout_kind k)
{
    return (unsigned)k < CALLOUT_KIND_COUNT ? callout_descs[k].name : "?";
}

static uint64_t counter_value(const struct counter_desc *c)
{
    return *(const uint64_t *)((const char *)&g_stats + c->offset);
}

static void table_row(FILE *f, const char *prefix, const char *name, uint64_t v,
                      const char *desc)
{
    char key[64];
    snprintf(key, sizeof key, "%s%s", prefix, name);
    fprintf(f, "  %-26s %16llu  %s\n", key, (unsigned long long)v, desc);
}

void stats_print_table(FILE *f, const struct stat_extra *extra, size_t n)
{
    fprintf(f, "bt386 statistics\n");
    for (size_t i = 0; i < ARRAY_SIZE(counters); i++)
        table_row(f, "", counters[i].name, counter_value(&counters[i]),
                  counters[i].description);
    for (size_t i = 0; i < EXIT_REASON_COUNT; i++)
        if (g_stats.exits[i])
            table_row(f, "exit.", exit_descs[i].name, g_stats.exits[i],
                      exit_descs[i].description);
    for (size_t i = 0; i < CALLOUT_KIND_COUNT; i++)
        if (g_stats.callouts[i])
            table_row(f, "callout.", callout_descs[i].name, g_stats.callouts[i],
                      callout_descs[i].description);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-26s %16.4f  %s\n", extra[i].name, extra[i].value,
                extra[i].description);
}

/* Keys are identifiers by convention, but a caller's extra name is escaped
 * anyway so the file is always valid JSON. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_u64_object(FILE *f, const char *key, const struct counter_desc *d,
                            const uint64_t *values, size_t n, int last)
{
    fprintf(f, "  \"%s\": {", key);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s\n    ", i ? "," : "");
        json_string(f, d[i].name);
        fprintf(f, ": %llu", (unsigned long long)values[i]);
    }
    fprintf(f, "\n  }%s\n", last ? "" : ",");
}

int stats_write_json(const char *path, const struct stat_extra *extra, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;

    uint64_t values[ARRAY_SIZE(counters)];
    for (size_t i = 0; i < ARRAY_SIZE(counters); i++)
        values[i] = counter_value(&counters[i]);

    fprintf(f, "{\n");
    json_u64_object(f, "counters", counters, values, ARRAY_SIZE(counters), 0);
    json_u64_object(f, "exits", exit_descs, g_stats.exits, EXIT_REASON_COUNT, 0);
    json_u64_object(f, "callouts", callout_descs, g_stats.callouts, CALLOUT_KIND_COUNT, 0);
    fprintf(f, "  \"derived\": {");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s\n    ", i ? "," : "");
        json_string(f, extra[i].name);
        /* JSON has no NaN or infinity (a rate over zero lookups). */
        if (isfinite(extra[i].value))
            fprintf(f, ": %.17g", extra[i].value);
        else
            fprintf(f, ": null");
    }
    fprintf(f, "\n  }\n}\n");

    int err = ferror(f) ? EIO : 0;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
