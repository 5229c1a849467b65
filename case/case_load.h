/*
 * case_load.h - shared state of the case loader. Private to the loader. Calls
 * go one way: case.c (top level) -> case_step.c (steps, macros) ->
 * case_expect.c (expectations); all three use case_load.c's helpers, which
 * call none of them.
 */
#ifndef CASE_LOAD_H
#define CASE_LOAD_H

#include "case/case.h"

struct case_load_ref {
	char *name;
	char *path;
};

struct case_load {
	struct case_spec *cs;
	const struct catalog *cat;
	size_t cap_steps;
	char **captures;               /* names bound by capture anywhere in the case */
	size_t ncaptures;
	struct case_load_ref *refs;    /* {name} references, checked at the end */
	size_t nrefs;
	char **labels;                 /* label of each step so far, or NULL */
	unsigned next_pid;             /* packet ids the loader assigns */
};

/* Parse a steps array (main steps or cleanup) into cs->steps. */
int case_step_parse_list(struct case_load *L, const cJSON *arr, const char *path, int cleanup, struct err *e);

/* Parse a broker timer's moment, {"seconds": N, "edge": ..., "plus_ms": M} (case_timer.c). */
int case_timer_parse(struct case_load *L, const cJSON *t, const char *path, struct case_timer *out, struct err *e);

/* Parse an expectation node. */
int case_expect_parse(struct case_load *L, const cJSON *v, const char *path, struct case_expect *out, struct err *e);
void case_expect_free(struct case_expect *x);

/* Record every {name} in the strings of a JSON subtree (keys "capture" excluded,
 * captures collected instead). */
int case_load_scan(struct case_load *L, const cJSON *node, const char *path, struct err *e);

/* Remember a {name} used at path, checked against the known variables at the end. */
void case_load_ref_add(struct case_load *L, const char *name, const char *path);

/* Keep a JSON tree the loader made alive as long as the case. Returns it. */
cJSON *case_load_own(struct case_load *L, cJSON *node);

#endif
