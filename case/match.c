/* match.c - evaluate an expectation over a client's inbox. See match.h. */
#include "case/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_print.h"
#include "util/alloc.h"
#include "util/json_util.h"

struct ev {
	const struct match_input *in;
	const struct tmpl_ctx *c;
	struct arena *a;
};

static void copy_vars(struct tmpl_vars *dst, const struct tmpl_vars *src)
{
	tmpl_vars_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		tmpl_vars_set(dst, src->v[i].name, src->v[i].value);
}

static int unread(const struct ev *v, const int *taken, size_t i)
{
	return !v->in->items[i].consumed && !taken[i];
}

static void append(char *buf, size_t n, const char *fmt, const char *s)
{
	size_t l = strlen(buf);
	if (l < n)
		snprintf(buf + l, n - l, fmt, s);
}

/* "got X, Y" listing unread packets, for a failed expectation. */
static void list_unread(const struct ev *v, const int *taken, char *buf, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < v->in->n && k < 4; i++) {
		if (!unread(v, taken, i))
			continue;
		char p[200];
		mqtt_print_v(v->in->version, v->in->items[i].pkt, p, sizeof p);
		append(buf, n, k++ ? "; %s" : "%s", p);
	}
}

static void describe_conn(const struct ev *v, char *buf, size_t n)
{
	if (v->in->conn == MATCH_CONN_CLOSED)
		append(buf, n, "%s", "the broker closed the connection");
	else if (v->in->conn == MATCH_CONN_BROKEN)
		append(buf, n, "%s", "the connection was dropped after the broker sent bytes that are not a valid packet");
	else
		append(buf, n, "%s", "nothing matching arrived within the window");
}

static enum match_state eval(const struct ev *v, const struct case_expect *x, size_t start, int *taken,
			     struct tmpl_vars *binds, size_t *end, struct match_result *out);

static enum match_state eval_packet(const struct ev *v, const struct case_expect *x, size_t start, int *taken,
				    struct tmpl_vars *binds, size_t *end, struct match_result *out)
{
	char first_why[400] = "", best[300] = "";
	struct tmpl_ctx c = *v->c;
	c.overlay = binds;
	for (size_t i = start; i < v->in->n; i++) {
		if (!unread(v, taken, i))
			continue;
		struct tmpl_vars trial = {0};
		copy_vars(&trial, binds);
		char why[400];
		int r = match_packet(v->in->version, x->pattern, v->in->items[i].pkt, &c, &trial, v->a, why, sizeof why);
		if (r < 0) {
			tmpl_vars_clear(&trial);
			snprintf(out->why, sizeof out->why, "%s", why);
			return MATCH_ERROR;
		}
		if (r == 1) {
			copy_vars(binds, &trial);
			tmpl_vars_clear(&trial);
			taken[i] = 1;
			*end = i + 1;
			return MATCH_OK;
		}
		tmpl_vars_clear(&trial);
		/* Remember the nearest miss: the first of the same type. */
		if (!first_why[0] && strncmp(why, "type:", 5) != 0) {
			snprintf(first_why, sizeof first_why, "%s", why);
			mqtt_print_v(v->in->version, v->in->items[i].pkt, best, sizeof best);
		}
	}
	if (v->in->conn == MATCH_CONN_OPEN && !v->in->expired)
		return MATCH_PENDING;
	char want[300];
	match_describe(x, want, sizeof want);
	if (first_why[0]) {
		snprintf(out->why, sizeof out->why, "expected %s; got %s (%s)", want, best, first_why);
	} else {
		char got[600] = "";
		list_unread(v, taken, got, sizeof got);
		snprintf(out->why, sizeof out->why, "expected %s; ", want);
		if (got[0]) {
			append(out->why, sizeof out->why, "got only %s", got);
			append(out->why, sizeof out->why, "%s", "; ");
		}
		describe_conn(v, out->why, sizeof out->why);
	}
	return MATCH_FAILED;
}

static enum match_state eval_any(const struct ev *v, const struct case_expect *x, size_t start, int *taken,
				 struct tmpl_vars *binds, size_t *end, struct match_result *out)
{
	int pending = 0;
	char whys[sizeof out->why] = "";
	int *t = alloc_zeroed(v->in->n, sizeof *t);
	for (size_t b = 0; b < x->nchildren; b++) {
		memcpy(t, taken, v->in->n * sizeof *t);
		struct tmpl_vars bv = {0};
		copy_vars(&bv, binds);
		size_t e2 = start;
		enum match_state s = eval(v, &x->children[b], start, t, &bv, &e2, out);
		if (s == MATCH_OK) {
			memcpy(taken, t, v->in->n * sizeof *t);
			copy_vars(binds, &bv);
			tmpl_vars_clear(&bv);
			free(t);
			*end = e2;
			out->branch = (int)b;
			out->because = x->children[b].because;
			return MATCH_OK;
		}
		tmpl_vars_clear(&bv);
		if (s == MATCH_ERROR) {
			free(t);
			return s;
		}
		if (s == MATCH_PENDING)
			pending = 1;
		else {
			char head[64];
			snprintf(head, sizeof head, "%salternative %zu: ", whys[0] ? " | " : "", b + 1);
			append(whys, sizeof whys, "%s", head);
			append(whys, sizeof whys, "%s", out->why);
		}
	}
	free(t);
	if (pending)
		return MATCH_PENDING;
	snprintf(out->why, sizeof out->why, "no permitted answer matched: %s", whys);
	return MATCH_FAILED;
}

/* The close alone: what arrived before it is for other checks to judge (a
 * CONNACK before the close is MQTT-3.1.4-1's business, not the close's). */
static enum match_state eval_closed(const struct ev *v, struct match_result *out)
{
	if (v->in->conn == MATCH_CONN_CLOSED)
		return MATCH_OK;
	if (v->in->conn == MATCH_CONN_BROKEN) {
		snprintf(out->why, sizeof out->why,
			 "expected the broker to close the connection; it sent bytes that are not a valid packet");
		return MATCH_FAILED;
	}
	if (!v->in->expired)
		return MATCH_PENDING;
	snprintf(out->why, sizeof out->why, "expected the broker to close the connection; it was still open when the window ended");
	return MATCH_FAILED;
}

/* Every packet of the connection, read or not, came before its close: the
 * first DISCONNECT that matches is the SHOULD of a graded close. */
static enum match_state eval_disconnect_first(const struct ev *v, const struct case_expect *x, int *taken,
					      struct match_result *out)
{
	if (v->in->conn == MATCH_CONN_OPEN) {
		snprintf(out->why, sizeof out->why, "the connection is still open");
		return MATCH_FAILED;
	}
	char first_why[400] = "";
	for (size_t i = 0; i < v->in->n; i++) {
		if (v->in->items[i].pkt->type != MQTT_DISCONNECT)
			continue;
		struct tmpl_vars trial = {0};
		char why[400];
		int r = match_packet(v->in->version, x->pattern, v->in->items[i].pkt, v->c, &trial, v->a, why, sizeof why);
		tmpl_vars_clear(&trial);
		if (r < 0) {
			snprintf(out->why, sizeof out->why, "%s", why);
			return MATCH_ERROR;
		}
		if (r == 1) {
			taken[i] = 1;
			return MATCH_OK;
		}
		if (!first_why[0])
			snprintf(first_why, sizeof first_why, "%s", why);
	}
	if (first_why[0])
		snprintf(out->why, sizeof out->why, "a DISCONNECT came before the close, but %s", first_why);
	else
		snprintf(out->why, sizeof out->why, "the broker closed the connection without a DISCONNECT first");
	return MATCH_FAILED;
}

static enum match_state eval_nothing(const struct ev *v, const struct case_expect *x, const int *taken,
				     struct tmpl_vars *binds, struct match_result *out)
{
	struct tmpl_ctx c = *v->c;
	c.overlay = binds;
	for (size_t i = 0; i < v->in->n; i++) {
		if (!unread(v, taken, i))
			continue;
		struct tmpl_vars trial = {0};
		char why[300];
		int r = x->pattern ? match_packet(v->in->version, x->pattern, v->in->items[i].pkt, &c, &trial, v->a, why, sizeof why) : 1;
		tmpl_vars_clear(&trial);
		if (r < 0) {
			snprintf(out->why, sizeof out->why, "%s", why);
			return MATCH_ERROR;
		}
		if (r == 1) {
			char p[300], want[300];
			mqtt_print_v(v->in->version, v->in->items[i].pkt, p, sizeof p);
			match_describe(x, want, sizeof want);
			snprintf(out->why, sizeof out->why, "expected %s; got %s", want, p);
			return MATCH_FAILED;
		}
	}
	return v->in->expired || v->in->conn != MATCH_CONN_OPEN ? MATCH_OK : MATCH_PENDING;
}

static enum match_state eval_ordered(const struct ev *v, const struct case_expect *x, size_t start, int *taken,
				     struct tmpl_vars *binds, size_t *end, struct match_result *out)
{
	size_t pos = start;
	for (size_t i = 0; i < x->nchildren; i++) {
		enum match_state s = eval(v, &x->children[i], pos, taken, binds, &pos, out);
		if (s == MATCH_OK)
			continue;
		if (s == MATCH_FAILED) {
			char head[64], rest[sizeof out->why];
			snprintf(head, sizeof head, "item %zu of %zu in order: ", i + 1, x->nchildren);
			snprintf(rest, sizeof rest, "%s", out->why);
			snprintf(out->why, sizeof out->why, "%s%s", head, rest);
		}
		return s;
	}
	*end = pos;
	return MATCH_OK;
}

static enum match_state eval_unordered(const struct ev *v, const struct case_expect *x, size_t start, int *taken,
				       struct tmpl_vars *binds, size_t *end, struct match_result *out)
{
	int pending = 0;
	for (size_t i = 0; i < x->nchildren; i++) {
		size_t e2;
		enum match_state s = eval(v, &x->children[i], start, taken, binds, &e2, out);
		if (s == MATCH_FAILED || s == MATCH_ERROR)
			return s;
		if (s == MATCH_PENDING)
			pending = 1;
	}
	*end = start;
	return pending ? MATCH_PENDING : MATCH_OK;
}

static enum match_state eval(const struct ev *v, const struct case_expect *x, size_t start, int *taken,
			     struct tmpl_vars *binds, size_t *end, struct match_result *out)
{
	switch (x->kind) {
	case CASE_EXPECT_PACKET:
		return eval_packet(v, x, start, taken, binds, end, out);
	case CASE_EXPECT_CLOSED:
		return eval_closed(v, out);
	case CASE_EXPECT_NOTHING:
		return eval_nothing(v, x, taken, binds, out);
	case CASE_EXPECT_ORDERED:
		return eval_ordered(v, x, start, taken, binds, end, out);
	case CASE_EXPECT_UNORDERED:
		return eval_unordered(v, x, start, taken, binds, end, out);
	case CASE_EXPECT_ANY_OF:
		return eval_any(v, x, start, taken, binds, end, out);
	case CASE_EXPECT_DISCONNECT_FIRST:
		return eval_disconnect_first(v, x, taken, out);
	}
	return MATCH_ERROR;
}

enum match_state match_eval(const struct case_expect *x, const struct match_input *in, const struct tmpl_ctx *c,
			    struct arena *a, struct match_result *out)
{
	struct ev v = {in, c, a};
	memset(out->taken, 0, (in->n ? in->n : 1) * sizeof *out->taken);
	out->why[0] = '\0';
	out->branch = -1;
	out->because = NULL;
	size_t end = 0;
	return eval(&v, x, 0, out->taken, &out->binds, &end, out);
}

void match_describe(const struct case_expect *x, char *buf, size_t n)
{
	buf[0] = '\0';
	switch (x->kind) {
	case CASE_EXPECT_PACKET:
	case CASE_EXPECT_NOTHING: {
		if (!x->pattern) {
			snprintf(buf, n, "no packet");
			return;
		}
		char *s = cJSON_PrintUnformatted(x->pattern);
		snprintf(buf, n, "%s%s", x->kind == CASE_EXPECT_NOTHING ? "no packet like " : "", s ? s : "?");
		free(s);
		return;
	}
	case CASE_EXPECT_CLOSED:
		snprintf(buf, n, "the connection closed by the broker");
		return;
	case CASE_EXPECT_DISCONNECT_FIRST: {
		char *s = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(x->pattern, "reason_code"));
		snprintf(buf, n, "a DISCONNECT before the close, reason code in %s", s ? s : "?");
		free(s);
		return;
	}
	case CASE_EXPECT_ORDERED:
	case CASE_EXPECT_UNORDERED:
	case CASE_EXPECT_ANY_OF: {
		const char *head = x->kind == CASE_EXPECT_ORDERED ? "in order: " : x->kind == CASE_EXPECT_UNORDERED ? "in any order: " : "one of: ";
		snprintf(buf, n, "%s", head);
		for (size_t i = 0; i < x->nchildren; i++) {
			char sub[600];
			match_describe(&x->children[i], sub, sizeof sub);
			append(buf, n, i ? (x->kind == CASE_EXPECT_ANY_OF ? " | %s" : ", %s") : "%s", sub);
			if (x->children[i].because)
				append(buf, n, " (%s)", x->children[i].because);
		}
		return;
	}
	}
}
