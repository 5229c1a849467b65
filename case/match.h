/*
 * match.h - expectations against what a client has received.
 *
 * The engine keeps an inbox per client; match_eval looks at its unread
 * packets and says whether an expectation is met, cannot be met any more,
 * or may still be met. Only fields a pattern names are compared.
 */
#ifndef MATCH_H
#define MATCH_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "codec/mqtt.h"
#include "util/arena.h"
#include "case/case.h"
#include "case/tmpl.h"

enum match_state { MATCH_PENDING, MATCH_OK, MATCH_FAILED, MATCH_ERROR };

struct match_item {
	const struct mqtt_packet *pkt;
	int consumed;
};

/* What can still arrive. */
enum match_conn { MATCH_CONN_OPEN, MATCH_CONN_CLOSED, MATCH_CONN_BROKEN };

struct match_input {
	const struct match_item *items;
	size_t n;
	enum match_conn conn;
	int expired;           /* the window is over */
	enum mqtt_version version; /* the case's: which fields a pattern may name */
};

struct match_result {
	int *taken;            /* per item: 1 if this expectation consumes it (caller allocates n) */
	struct tmpl_vars binds;/* captures to commit on MATCH_OK (caller clears) */
	char why[1536];        /* MATCH_FAILED / MATCH_ERROR: what was wrong */
	int branch;            /* any_of: index of the alternative taken, else -1 */
	const char *because;   /* its permission, if any */
};

enum match_state match_eval(const struct case_expect *x, const struct match_input *in, const struct tmpl_ctx *c,
			    struct arena *a, struct match_result *out);

/* One packet against one pattern: 1 match, 0 mismatch (why says which field), -1 error. */
int match_packet(enum mqtt_version v, const cJSON *pattern, const struct mqtt_packet *pkt, const struct tmpl_ctx *c,
		 struct tmpl_vars *binds, struct arena *a, char *why, size_t whylen);

/* A short text for an expectation: PUBACK{packet_id=10}, closed, nothing, ... */
void match_describe(const struct case_expect *x, char *buf, size_t n);

#endif
