/*
 * match_int.h - what match_packet.c (the fields of both versions) and
 * match5.c (the fields of 5.0) share. Private to them.
 */
#ifndef MATCH_INT_H
#define MATCH_INT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"
#include "case/fields5.h"
#include "case/tmpl.h"
#include "util/arena.h"

struct mctx {
	const struct tmpl_ctx *c;
	struct tmpl_vars *binds;
	struct arena *a;
	char *why;
	size_t whylen;
};

/* An actual integer / byte string against a pattern value (a literal, a
 * template, or a matcher object). 1 match, 0 not (why says so), -1 error. */
int match_cmp_int(struct mctx *m, const char *name, const cJSON *v, long actual);
int match_cmp_bytes(struct mctx *m, const char *name, const cJSON *v, int hex, const uint8_t *ap, size_t an);

/* One 5.0 field of a pattern against the packet (match5.c). */
int match5_field(struct mctx *m, const struct fields5_def *d, const cJSON *v, const struct mqtt_packet *pkt);

#endif
