/*
 * tmpl.h - templates in case files: "{topic}/x", "{client.a}", "{p}".
 *
 * Variables are strings. Built in, the run's: topic, topic_rest, run,
 * username, password, and its timing, tol_ms (the tolerance as scaled),
 * slack_ms, period_ms, max_wait_ms (enum tmpl_builtin, one table in tmpl.c), and
 * client.NAME for each client of the case. Everything else (case vars,
 * repeat indexes, captures) lives in the context's list; `overlay` holds
 * tentative captures of a match in progress and is searched first.
 * "{{" and "}}" are literal braces.
 */
#ifndef TMPL_H
#define TMPL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

struct tmpl_var {
	char *name;
	char *value;
};

struct tmpl_vars {
	struct tmpl_var *v;
	size_t n, cap;
};

struct tmpl_ctx {
	const char *run;
	const char *topic;
	const char *topic_rest;         /* {topic} without its first level */
	const char *username;           /* the run's credentials, or NULL */
	const char *password;
	const char *tol_ms;             /* the run's timing, as decimal text */
	const char *slack_ms;
	const char *period_ms;
	const char *max_wait_ms;
	const char *auth_method;        /* the run's declared exchange (--auth FILE), or NULL */
	const char *auth_data;          /* its first datum (the CONNECT's), in hex */
	size_t nclients;
	char *const *client_names;
	char *const *client_ids;
	struct tmpl_vars vars;          /* owned: case vars and captures */
	const struct tmpl_vars *overlay; /* borrowed, may be NULL */
};

/* The built-in variables, which no case may declare. */
enum tmpl_builtin {
	TMPL_TOPIC,
	TMPL_TOPIC_REST,
	TMPL_RUN,
	TMPL_USERNAME,
	TMPL_PASSWORD,
	TMPL_TOL_MS,
	TMPL_SLACK_MS,
	TMPL_PERIOD_MS,
	TMPL_MAX_WAIT_MS,
	TMPL_AUTH_METHOD,
	TMPL_AUTH_DATA,
	TMPL_NBUILTINS
};
/* Its name in templates ("topic", ...). */
const char *tmpl_builtin_name(enum tmpl_builtin b);
/* 1 if name is one of them (client.NAME is not: it depends on the case). */
int tmpl_is_builtin(const char *name);
/* The NAME of "client.NAME", or NULL when name is not a client's variable. */
const char *tmpl_client_var(const char *name);

/* Set (or replace) a variable; copies both strings. */
void tmpl_vars_set(struct tmpl_vars *vs, const char *name, const char *value);
const char *tmpl_vars_get(const struct tmpl_vars *vs, const char *name);
void tmpl_vars_clear(struct tmpl_vars *vs);

/* Value of a variable, or NULL. */
const char *tmpl_get(const struct tmpl_ctx *c, const char *name);

/* Expand a text template into the arena. */
int tmpl_expand(const struct tmpl_ctx *c, const char *in, struct arena *a, char **out, struct err *e);

/* An integer field: a JSON number, or a template string expanding to an
 * integer expression: decimal or 0x numbers, + - * / (integer division,
 * truncating), unary minus, parentheses ("{e} * 1000 - {slack_ms}"). */
int tmpl_int(const struct tmpl_ctx *c, const cJSON *v, long lo, long hi, struct arena *a, long *out, struct err *e);

/* Hex text (whitespace allowed) with {utf8:T} and {str:T} inserts, to bytes. */
int tmpl_hex(const struct tmpl_ctx *c, const char *in, struct arena *a, uint8_t **out, size_t *n, struct err *e);

/* Load-time scan: calls cb(arg, name) for every {name} (prefix "utf8:"/"str:" stripped
 * and their argument scanned recursively); fails on unbalanced braces. */
int tmpl_scan(const char *in, int (*cb)(void *arg, const char *name, struct err *e), void *arg, struct err *e);

/* Load-time: replace "{name}" by value in every string of a JSON subtree (for repeat). */
void tmpl_subst_json(cJSON *node, const char *name, const char *value);

#endif
