/* engine_step.c - what each kind of step does, started and then polled
 * until it is done, failed, or its window ends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_encode.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_reason.h"
#include "engine/engine_int.h"
#include "case/fields.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/match.h"
#include "net/ws_frame.h"

#define ENGINE_CONNECT_MS 5000

static const struct case_step *cur(struct engine_case *r)
{
	return &r->spec->steps[r->step];
}

static struct check_result *check_of(struct engine_case *r)
{
	long i = r->check_of[r->step];
	return i < 0 ? NULL : &r->res->checks[i];
}

void engine_step_fail(struct engine_case *r, const char *why, double now)
{
	struct check_result *c = check_of(r);
	if (c && r->phase == ENGINE_MAIN) {
		results_set_outcome(c, CHECK_FAIL, now - r->t0);
		results_set_actual(c, "%s", why);
		return;
	}
	if (r->phase == ENGINE_CLEANUP) {
		char note[RESULTS_TEXT_MAX];
		snprintf(note, sizeof note, "clean-up step failed: %s: %s", cur(r)->path, why);
		engine_client_wire(r, cur(r)->client < 0 ? 0 : cur(r)->client, WIRE_NOTE, NULL, 0, note, NULL, now);
		return;
	}
	results_set_setup_error(r->res, "%s: %s", cur(r)->path, why);
}

/* A gate of bounds: the variable an integer within them; else 0 with the reason. */
static int gate_bounds_hold(const struct case_gate *g, const char *v, char *why, size_t n)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	int num = *v && !*end && !errno;
	if (num && (!g->has_min || x >= g->min) && (!g->has_max || x <= g->max))
		return 1;
	char lo[32] = "", hi[32] = "";
	if (g->has_min)
		snprintf(lo, sizeof lo, "at least %ld", g->min);
	if (g->has_max)
		snprintf(hi, sizeof hi, "at most %ld", g->max);
	snprintf(why, n, "not applicable: %s = %s, this check needs %s%s%s", g->var, v, lo, *lo && *hi ? " and " : "",
		 hi);
	return 0;
}

/* 1 if every gate holds; else 0 with the reason. -1 if a gate names an unset variable. */
static int gates_hold(struct engine_case *r, const struct case_step *s, char *why, size_t n)
{
	for (size_t i = 0; i < s->ngates; i++) {
		const struct case_gate *g = &s->gates[i];
		const char *v = tmpl_get(&r->ctx, g->var);
		if (!v) {
			snprintf(why, n, "gate: variable {%s} is not set", g->var);
			return -1;
		}
		if (!g->nvalues) {
			if (!gate_bounds_hold(g, v, why, n))
				return 0;
			continue;
		}
		int ok = 0;
		for (size_t j = 0; j < g->nvalues; j++)
			ok |= strcmp(v, g->values[j]) == 0;
		if (!ok) {
			snprintf(why, n, "not applicable: %s = %s, this check needs %s%s", g->var, v,
				 g->nvalues > 1 ? "one of " : "", g->values[0]);
			for (size_t j = 1; j < g->nvalues; j++) {
				size_t l = strlen(why);
				snprintf(why + l, n - l, ", %s", g->values[j]);
			}
			return 0;
		}
	}
	return 1;
}

/* A CONNECT that names no credentials and does not set its flags by hand gets
 * the run's (a broker that needs a password for everything still gets tested). */
static void add_credentials(struct engine_case *r, const cJSON *tmpl, struct mqtt_packet *p)
{
	static const char *const keys[] = {"username", "username_hex", "username_length", "password", "password_hex",
					   "password_length", "connect_flags", NULL};
	if (p->type != MQTT_CONNECT || !r->o->username)
		return;
	for (const char *const *k = keys; *k; k++)
		if (cJSON_GetObjectItemCaseSensitive(tmpl, *k))
			return;
	p->username.present = true;
	p->username.s.p = (const uint8_t *)r->o->username;
	p->username.s.n = strlen(r->o->username);
	p->connect_flags |= MQTT_CF_USERNAME;
	if (r->o->password) {
		p->password.present = true;
		p->password.s.p = (const uint8_t *)r->o->password;
		p->password.s.n = strlen(r->o->password);
		p->connect_flags |= MQTT_CF_PASSWORD;
	}
}

/* A send step's WebSocket framing (ws) goes to the connection with its bytes;
 * the trace says how they were framed. */
static int ws_framing(struct engine_client *c, const struct case_step *s, size_t n, char *text, size_t tn,
		      struct err *e)
{
	struct conn_ws_send ws;
	struct conn_ws_send *o = &ws; /* the connection keeps a copy */
	size_t held = conn_ws_held(&c->conn), l = strlen(text);
	if (!s->ws) {
		if (held)
			snprintf(text + l, tn - l, " [WebSocket: binary frame, the %zu held bytes first]", held);
		return 0;
	}
	_Static_assert(CASE_WS_MAX_SPLIT <= CONN_WS_MAX_SPLIT, "a case's splits fit the connection's");
	memset(o, 0, sizeof *o);
	o->opcode = s->ws->opcode;
	memcpy(o->split, s->ws->split, sizeof s->ws->split);
	o->nsplit = s->ws->nsplit;
	o->hold = s->ws->hold;
	if (conn_ws_arm(&c->conn, o, n, e) < 0)
		return -1;
	if (s->ws->hold) {
		snprintf(text + l, tn - l, " [WebSocket: held, to go in the next send's frame]");
		return 0;
	}
	l += (size_t)snprintf(text + l, tn - l, " [WebSocket: %s frame", s->ws->opcode == CASE_WS_TEXT ? "text" : "binary");
	if (held && l < tn)
		l += (size_t)snprintf(text + l, tn - l, ", the %zu held bytes first", held);
	for (size_t i = 0; i < s->ws->nsplit && l < tn; i++)
		l += (size_t)snprintf(text + l, tn - l, "%s%zu", i ? ", " : ", continuation frames from bytes ", s->ws->split[i]);
	if (l < tn)
		snprintf(text + l, tn - l, "]");
	return 0;
}

static enum engine_step_rc do_send(struct engine_case *r, const struct case_step *s, double now)
{
	struct engine_client *c = &r->cl[s->client];
	struct err e;
	uint8_t *bytes;
	size_t n;
	char text[400];
	if (c->state == ENGINE_PEER_CLOSED) {
		engine_client_wire(r, s->client, WIRE_NOTE, NULL, 0, "not sent: the broker had already closed the connection",
				   NULL, now);
		return ENGINE_STEP_DONE;
	}
	if (c->state != ENGINE_OPEN) {
		engine_step_fail(r, "the client has no open connection (add an open or connect step)", now);
		return ENGINE_STEP_ABORT;
	}
	if (s->kind == CASE_STEP_SEND_HEX) {
		if (tmpl_hex(&r->ctx, s->hex, &r->arena, &bytes, &n, &e) < 0)
			goto case_error;
		snprintf(text, sizeof text, "raw bytes (%zu)", n);
		if (ws_framing(c, s, n, text, sizeof text, &e) < 0)
			goto case_error;
		engine_client_send(r, s->client, bytes, bytes, n, text, now);
		return ENGINE_STEP_DONE;
	}
	struct mqtt_packet p;
	if (fields_build(s->packet, &r->ctx, r->spec->protocol, r->res->client_ids[s->client], &r->arena, &p, &e) < 0)
		goto case_error;
	add_credentials(r, s->packet, &p);
	n = mqtt_encode_size(r->spec->protocol, &p);
	bytes = arena_alloc(&r->arena, n ? n : 1);
	int w = n ? mqtt_encode(r->spec->protocol, &p, bytes, n) : -1;
	if (w < 0) {
		err_set(&e, "the packet cannot be encoded (a string over 65535 bytes, or too long in all)");
		goto case_error;
	}
	mqtt_print_v(r->spec->protocol, &p, text, sizeof text);
	uint8_t *logged = bytes;
	/* The password is CONNECT's last field: mask it in the trace. */
	if (p.type == MQTT_CONNECT && p.password.present && p.extra.n == 0 && p.password.s.n <= (size_t)w) {
		logged = arena_alloc(&r->arena, (size_t)w);
		memcpy(logged, bytes, (size_t)w);
		memset(logged + w - p.password.s.n, '*', p.password.s.n);
	}
	if ((p.type == MQTT_CONNECT || p.type == MQTT_AUTH) && r->o->nauth_data) {
		if (logged == bytes) {
			logged = arena_alloc(&r->arena, (size_t)w);
			memcpy(logged, bytes, (size_t)w);
		}
		engine_auth_mask(r->o, logged, (size_t)w);
	}
	if (ws_framing(c, s, (size_t)w, text, sizeof text, &e) < 0)
		goto case_error;
	engine_auth_sent(r, s->client, &p);
	engine_client_send(r, s->client, bytes, logged, (size_t)w, text, now);
	return ENGINE_STEP_DONE;
case_error:
	if (r->phase == ENGINE_MAIN)
		results_set_setup_error(r->res, "%s.send: case error: %s", s->path, e.msg);
	return ENGINE_STEP_ABORT;
}

static enum match_conn conn_view(const struct engine_client *c)
{
	switch (c->state) {
	case ENGINE_CONNECTING:
	case ENGINE_OPEN:
		return MATCH_CONN_OPEN;
	case ENGINE_PEER_CLOSED:
		return MATCH_CONN_CLOSED;
	case ENGINE_IDLE:
	case ENGINE_BROKEN:
	case ENGINE_HUNG_UP:
		return MATCH_CONN_BROKEN;
	}
	return MATCH_CONN_BROKEN;
}

/* Whether the current step is a close that a DISCONNECT_FIRST step grades. */
static int graded(const struct engine_case *r)
{
	const struct case_step *s = &r->spec->steps[r->step];
	return r->step + 1 < r->spec->nsteps && s[1].expect.kind == CASE_EXPECT_DISCONNECT_FIRST && s[1].client == s->client;
}

/* A graded close records what came before it on the connection (a CONNACK
 * refusing, a DISCONNECT, nothing): the spec lets the broker choose, and the
 * report shows which it took. */
static void before_close(struct engine_case *r, struct check_result *ch, const struct engine_client *c, double base,
			 const char *from)
{
	char seen[900] = "";
	size_t l = 0;
	for (size_t i = 0; i < c->nin && l < sizeof seen; i++) {
		char p[300];
		if (c->in[i].consumed)
			continue;
		mqtt_print_v(r->spec->protocol, &c->in[i].pkt, p, sizeof p);
		l += (size_t)snprintf(seen + l, sizeof seen - l, "%s%s", l ? "; " : "", p);
	}
	double after = c->closed_at - base;
	results_set_actual(ch, "the broker closed the connection %.0f ms %s %s; before the close, besides what earlier steps read, it sent %s",
			   after < 0 ? -after : after, after < 0 ? "before" : "after", after < 0 ? "the step began" : from,
			   seen[0] ? seen : "nothing");
}

/* The expectation held: take the packets it matched (unless it peeks), keep
 * its captures, and pass the step's check saying what came. */
static void expect_held(struct engine_case *r, const struct case_step *s, struct engine_client *c,
			const struct match_result *m, double base, double now)
{
	char got[1200] = "";
	size_t gl = 0;
	double last = base;
	for (size_t i = 0; i < c->nin; i++) {
		if (!m->taken[i])
			continue;
		c->in[i].consumed = !s->peek;
		last = c->in[i].t;
		char p[300];
		mqtt_print_v(r->spec->protocol, &c->in[i].pkt, p, sizeof p);
		if (gl < sizeof got)
			gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%s", gl ? "; " : "", p);
	}
	for (size_t i = 0; i < m->binds.n; i++)
		tmpl_vars_set(&r->ctx.vars, m->binds.v[i].name, m->binds.v[i].value);
	if (s->branch && m->branch >= 0) {
		char num[16];
		snprintf(num, sizeof num, "%d", m->branch + 1);
		tmpl_vars_set(&r->ctx.vars, s->branch, num);
	}
	struct check_result *ch = check_of(r);
	if (!ch || r->phase != ENGINE_MAIN)
		return;
	const char *from = s->from >= 0 ? r->spec->steps[s->from].label : "the step began";
	if (s->expect.kind == CASE_EXPECT_DISCONNECT_FIRST)
		results_set_actual(ch, "%s, %.0f ms before the close", got, c->closed_at - last);
	else if (s->expect.kind == CASE_EXPECT_CLOSED && graded(r))
		before_close(r, ch, c, base, from);
	else if (s->expect.kind == CASE_EXPECT_CLOSED && c->closed_at >= base)
		results_set_actual(ch, "the broker closed the connection %.0f ms after %s", c->closed_at - base, from);
	else if (s->expect.kind == CASE_EXPECT_CLOSED)
		results_set_actual(ch, "the broker had closed the connection %.0f ms before the step began", base - c->closed_at);
	else if (s->expect.kind == CASE_EXPECT_NOTHING)
		results_set_actual(ch, "nothing arrived in %.0f ms", now - base);
	else
		results_set_actual(ch, "%s (after %.0f ms)", got[0] ? got : "as expected", last - base);
	results_set_outcome(ch, CHECK_PASS, now - r->t0);
	if (m->because)
		results_set_note(ch, "the broker took alternative %d: %s", m->branch + 1, m->because);
	else if (m->branch >= 0)
		results_set_note(ch, "the broker took alternative %d", m->branch + 1);
}

/* A 5.0 publish macro's PUBACK / PUBREC (refusal_ends): its reason code is
 * the broker's to choose, so it is recorded, on the duty's check (the step
 * before, which peeked at the same packet). A code of 0x80 or more means the
 * message was not taken: nothing the case checks after depends on luck, so
 * those checks are NOT APPLICABLE rather than failed (engine.c ends the main
 * steps on r->refused). */
static void ack_recorded(struct engine_case *r, const struct case_step *s, const struct mqtt_packet *p)
{
	if (!s->refusal_ends || p->reason_code == 0)
		return;
	const char *name = mqtt_reason_name(p->type, p->reason_code);
	char what[200];
	snprintf(what, sizeof what, "%s reason code 0x%02x (%s)", mqtt_type_name(p->type), p->reason_code,
		 name ? name : "not in its table");
	long i = r->step > 0 ? r->check_of[r->step - 1] : -1;
	if (i >= 0 && r->phase == ENGINE_MAIN)
		results_set_note(&r->res->checks[i], "%s: recorded, the broker's choice", what);
	if (p->reason_code >= 0x80 && r->phase == ENGINE_MAIN)
		snprintf(r->refused, sizeof r->refused,
			 "not applicable: the broker refused the message of %s with %s, which a publisher cannot foresee",
			 s->path, what);
}

/* A timer window that ran out: what came after its moment, unread, so the
 * report shows how late (the packets a step after it may have taken too). */
static void late_arrivals(const struct engine_case *r, const struct engine_client *c, double base, char *out,
			  size_t n)
{
	size_t l = 0;
	for (size_t i = 0; i < c->nin && l < n; i++) {
		if (c->in[i].t <= r->deadline)
			continue;
		char p[200];
		mqtt_print_v(r->spec->protocol, &c->in[i].pkt, p, sizeof p);
		l += (size_t)snprintf(out + l, n - l, "%s %s at %.0f ms", l ? ";" : "; after the window came", p,
				      c->in[i].t - base);
	}
}

/* A packet the expectation took that breaks a clause the step checks (the
 * strict decoder's finding): the step's check fails too, saying so, and the
 * case goes on, as it does after the finding itself (the packet came and
 * matched; only a rule of its fields broke). */
static void claimed_violation(struct engine_case *r, const struct case_step *s, const struct engine_client *c,
			      const struct match_result *m, double now)
{
	struct check_result *ch = check_of(r);
	for (size_t i = 0; ch && r->phase == ENGINE_MAIN && i < c->nin; i++)
		for (size_t k = 0; m->taken[i] && c->in[i].viol && k < s->nchecks; k++)
			if (strcmp(c->in[i].viol, s->checks[k]) == 0) {
				char p[300];
				mqtt_print_v(r->spec->protocol, &c->in[i].pkt, p, sizeof p);
				results_set_outcome(ch, CHECK_FAIL, now - r->t0);
				results_set_actual(ch, "%s, which breaks %s (found by the strict decoder)", p, s->checks[k]);
				return;
			}
}

static enum engine_step_rc poll_expect(struct engine_case *r, const struct case_step *s, double now)
{
	struct engine_client *c = &r->cl[s->client];
	double base = s->from >= 0 ? r->label_t[s->from] : r->step_t0;
	struct match_item *items = alloc_zeroed(c->nin, sizeof *items);
	/* A timer's window ends at its moment even when the step begins later
	 * (after a slower step): what arrived after it is not in it. */
	int timed = s->timer.edge != CASE_TIMER_NONE;
	for (size_t i = 0; i < c->nin; i++) {
		items[i].pkt = &c->in[i].pkt;
		items[i].consumed = c->in[i].consumed || (timed && c->in[i].t > r->deadline);
	}
	struct match_input in = {items, c->nin, conn_view(c), now >= r->deadline, r->spec->protocol};
	struct match_result m;
	memset(&m, 0, sizeof m);
	m.taken = alloc_zeroed(c->nin, sizeof *m.taken);
	enum match_state st = match_eval(&s->expect, &in, &r->ctx, &r->arena, &m);
	enum engine_step_rc rc = ENGINE_STEP_PENDING;
	if (st == MATCH_OK && s->expect.kind == CASE_EXPECT_NOTHING && c->state == ENGINE_BROKEN) {
		/* We cut the connection (the broker sent what cannot be read): a
		 * silence after that shows nothing about the broker. */
		results_set_setup_error(r->res, "%s: mqttspec had dropped the connection (what the broker sent could not be "
				       "read), so whether anything else would have come cannot be seen", s->path);
		rc = ENGINE_STEP_ABORT;
	} else if (st == MATCH_OK) {
		expect_held(r, s, c, &m, base, now);
		claimed_violation(r, s, c, &m, now);
		for (size_t i = 0; i < c->nin; i++)
			if (m.taken[i])
				ack_recorded(r, s, &c->in[i].pkt);
		rc = ENGINE_STEP_DONE;
	} else if (st == MATCH_FAILED && s->expect.kind == CASE_EXPECT_DISCONNECT_FIRST) {
		/* The SHOULD half of a graded close: a WARN, and the case goes on. */
		struct check_result *ch = check_of(r);
		if (ch && r->phase == ENGINE_MAIN) {
			results_set_outcome(ch, CHECK_FAIL, now - r->t0);
			results_set_actual(ch, "%s", m.why);
		}
		rc = ENGINE_STEP_DONE;
	} else if (st == MATCH_FAILED && in.expired) {
		/* A window that ran out: say how long it was, so a threshold of our
		 * own (a SHOULD the spec gives no figure for) shows in the report. */
		char why[RESULTS_TEXT_MAX];
		size_t l = (size_t)snprintf(why, sizeof why, "%s (window: %.0f ms from %s)", m.why,
					    (timed ? r->deadline : now) - base,
					    s->from >= 0 ? r->spec->steps[s->from].label : "the step's start");
		if (timed && l < sizeof why)
			late_arrivals(r, c, base, why + l, sizeof why - l);
		engine_step_fail(r, why, now);
		rc = ENGINE_STEP_ABORT;
	} else if (st == MATCH_FAILED) {
		engine_step_fail(r, m.why, now);
		rc = ENGINE_STEP_ABORT;
	} else if (st == MATCH_ERROR) {
		results_set_setup_error(r->res, "%s: case error: %s", s->path, m.why);
		rc = ENGINE_STEP_ABORT;
	}
	tmpl_vars_clear(&m.binds);
	free(m.taken);
	free(items);
	return rc;
}

/* A step's gates: 1 they hold; 0 not (the step is skipped, its check NOT
 * APPLICABLE with why); -1 a gate cannot be judged (the case fails). */
static int gated(struct engine_case *r, const struct case_step *s, double now)
{
	char why[300];
	int g = gates_hold(r, s, why, sizeof why);
	if (g < 0) {
		engine_step_fail(r, why, now);
		return -1;
	}
	if (g == 0) {
		r->skipped = 1;
		struct check_result *ch = check_of(r);
		if (ch) {
			results_set_outcome(ch, CHECK_NOT_APPLICABLE, ch->t_ms);
			results_set_actual(ch, "%s", why);
		}
	}
	return g;
}

static enum engine_step_rc begin_open(struct engine_case *r, const struct case_step *s, double now)
{
	enum engine_cstate st = r->cl[s->client].state;
	if (st == ENGINE_OPEN && s->open_if_closed)
		return ENGINE_STEP_DONE;
	if (st == ENGINE_OPEN || st == ENGINE_CONNECTING) {
		engine_step_fail(r, "the client is already connected", now);
		return ENGINE_STEP_ABORT;
	}
	engine_client_open(r, s->client, now);
	r->deadline = now + ENGINE_CONNECT_MS * r->o->time_scale;
	return ENGINE_STEP_PENDING;
}

static enum engine_step_rc begin_disconnect(struct engine_case *r, const struct case_step *s, double now)
{
	struct engine_client *c = &r->cl[s->client];
	uint8_t d[2];
	int dn = mqtt_encode_disconnect(r->spec->protocol, d, sizeof d);
	if (c->state != ENGINE_OPEN || dn < 0) {
		engine_client_wire(r, s->client, WIRE_NOTE, NULL, 0, "DISCONNECT not sent: the connection is not open", NULL,
				   now);
		return ENGINE_STEP_DONE;
	}
	c->close_after_flush = 1;
	engine_client_send(r, s->client, d, d, (size_t)dn, "DISCONNECT", now);
	return ENGINE_STEP_DONE;
}

/* A broker timer this run cannot judge (engine_timer_moment() == 1): the
 * step's check and every later one NOT APPLICABLE with why, as for a refused
 * message (engine.c ends the main steps on r->refused). */
static void timer_not_applicable(struct engine_case *r, const char *why)
{
	r->skipped = 1;
	if (r->phase != ENGINE_MAIN)
		return;
	struct check_result *ch = check_of(r);
	if (ch) {
		results_set_outcome(ch, CHECK_NOT_APPLICABLE, ch->t_ms);
		results_set_actual(ch, "%s", why);
	}
	snprintf(r->refused, sizeof r->refused, "%s", why);
}

/* The moment of the step's timer into *at: ENGINE_STEP_PENDING to go on;
 * else what the step ends with. Reaching an early edge after it passed
 * would judge what nobody saw in time: the case is INCONCLUSIVE. */
static enum engine_step_rc timer_begin(struct engine_case *r, const struct case_step *s, double now, double *at)
{
	char why[300];
	int m = engine_timer_moment(r, s, at, why, sizeof why);
	if (m < 0) {
		results_set_setup_error(r->res, "%s", why);
		return ENGINE_STEP_ABORT;
	}
	if (m > 0) {
		timer_not_applicable(r, why);
		return ENGINE_STEP_DONE;
	}
	if (s->timer.edge == CASE_TIMER_EARLY && now > *at) {
		results_set_setup_error(r->res, "%s: began %.0f ms after the early edge of its timer (from %s): the harness was late, so no verdict",
					s->path, now - *at, r->spec->steps[s->from].label);
		return ENGINE_STEP_ABORT;
	}
	return ENGINE_STEP_PENDING;
}

static enum engine_step_rc begin_wait(struct engine_case *r, const struct case_step *s, double now)
{
	if (s->timer.edge == CASE_TIMER_NONE) {
		long ms = s->wait_ms;
		struct err e = {{0}};
		if (s->wait_expr && tmpl_int(&r->ctx, s->wait_expr, 0, 3600000, &r->arena, &ms, &e) < 0) {
			results_set_setup_error(r->res, "case error: %s.wait_ms: %s", s->path, e.msg);
			return ENGINE_STEP_ABORT;
		}
		r->deadline = now + (double)ms * r->o->time_scale;
		return ENGINE_STEP_PENDING;
	}
	double at;
	enum engine_step_rc rc = timer_begin(r, s, now, &at);
	r->deadline = at;
	return rc;
}

static enum engine_step_rc begin_expect(struct engine_case *r, const struct case_step *s, double now)
{
	if (s->timer.edge != CASE_TIMER_NONE) {
		double at;
		enum engine_step_rc rc = timer_begin(r, s, now, &at);
		if (rc != ENGINE_STEP_PENDING)
			return rc;
		r->deadline = at + (r->o->neps > 1 ? (double)r->o->propagation_ms * r->o->time_scale : 0);
		return poll_expect(r, s, now);
	}
	double scale = r->o->time_scale;
	double base = s->from >= 0 ? r->label_t[s->from] : now;
	int quiet = s->expect.kind == CASE_EXPECT_NOTHING;
	long win = case_step_window_ms(s);
	/* On a cluster a message may have to cross from one endpoint to another. */
	double prop = r->o->neps > 1 ? (double)r->o->propagation_ms : 0;
	/* A window that is a protocol timer (1.5 x Keep Alive) stays what the spec
	 * says; only the tolerance stretches for a slow broker or network. */
	double wscale = s->unscaled ? 1.0 : scale;
	r->deadline = base + (double)win * wscale + prop * scale + (quiet ? 0 : (double)r->o->tolerance_ms * scale);
	return poll_expect(r, s, now);
}

static enum engine_step_rc begin(struct engine_case *r, const struct case_step *s, double now)
{
	int g = gated(r, s, now);
	if (g <= 0)
		return g < 0 ? ENGINE_STEP_ABORT : ENGINE_STEP_DONE;
	switch (s->kind) {
	case CASE_STEP_OPEN:
		return begin_open(r, s, now);
	case CASE_STEP_SEND:
	case CASE_STEP_SEND_HEX:
		return do_send(r, s, now);
	case CASE_STEP_DISCONNECT:
		return begin_disconnect(r, s, now);
	case CASE_STEP_CLOSE:
		engine_client_hangup(r, s->client, now);
		return ENGINE_STEP_DONE;
	case CASE_STEP_WAIT:
		return begin_wait(r, s, now);
	case CASE_STEP_EXPECT:
		return begin_expect(r, s, now);
	}
	return ENGINE_STEP_ABORT;
}

/* An open step's checks judge what the transport saw at set-up (over
 * WebSocket, the sub-protocol: MQTT-6.0.0-4); the transport's finding is then
 * this check's, not a separate one (engine_client.c). */
static enum engine_step_rc open_checked(struct engine_case *r, const struct engine_client *c, double now)
{
	struct check_result *ch = check_of(r);
	if (!ch || r->phase != ENGINE_MAIN)
		return ENGINE_STEP_DONE;
	if (engine_step_claims_setup(r, engine_transport_clause(r, c->conn.setup_violation))) {
		engine_step_fail(r, c->conn.setup_note, now);
		return ENGINE_STEP_ABORT;
	}
	results_set_outcome(ch, CHECK_PASS, now - r->t0);
	results_set_actual(ch, "%s", c->conn.setup_note[0] ? c->conn.setup_note : "the connection opened");
	return ENGINE_STEP_DONE;
}

int engine_step_claims_setup(const struct engine_case *r, const char *clause)
{
	const struct case_step *s = r->phase == ENGINE_MAIN && r->step < r->spec->nsteps ? &r->spec->steps[r->step] : NULL;
	for (size_t i = 0; clause && s && s->kind == CASE_STEP_OPEN && i < s->nchecks; i++)
		if (strcmp(s->checks[i], clause) == 0)
			return 1;
	return 0;
}

enum engine_step_rc engine_step_poll(struct engine_case *r, double now)
{
	const struct case_step *s = cur(r);
	if (!r->started) {
		r->started = 1;
		r->step_t0 = now;
		r->deadline = 0;
		return begin(r, s, now);
	}
	switch (s->kind) {
	case CASE_STEP_OPEN: {
		struct engine_client *c = &r->cl[s->client];
		if (c->state == ENGINE_OPEN)
			return open_checked(r, c, now);
		if (c->state == ENGINE_CONNECTING && now < r->deadline)
			return ENGINE_STEP_PENDING;
		char why[RESULTS_TEXT_MAX];
		snprintf(why, sizeof why, "cannot connect to %s%s", c->ep->url,
			 c->state == ENGINE_CONNECTING ? ": timed out" : " (see the wire trace)");
		engine_client_hangup(r, s->client, now);
		engine_step_fail(r, why, now);
		return ENGINE_STEP_ABORT;
	}
	case CASE_STEP_WAIT:
		return now >= r->deadline ? ENGINE_STEP_DONE : ENGINE_STEP_PENDING;
	case CASE_STEP_EXPECT:
		return poll_expect(r, s, now);
	case CASE_STEP_SEND:
	case CASE_STEP_SEND_HEX:
	case CASE_STEP_DISCONNECT:
	case CASE_STEP_CLOSE:
		return ENGINE_STEP_DONE;
	}
	return ENGINE_STEP_ABORT;
}
