/* engine_client.c - one scripted client's connection: bytes out, packets in,
 * everything logged on the case's wire trace. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_rule.h"
#include "engine/engine_int.h"
#include "util/alloc.h"

/* A broker announcing a bigger packet than this is not buffered (our cases
 * never cause one); the connection is dropped with a note. */
#define ENGINE_MAX_PACKET (1u << 20)
/* A client keeps at most this many packets; a broker that floods it more is
 * cut off (memory stays bounded whatever the broker sends). Room for the
 * largest repeat a case may expect (10000). */
#define ENGINE_MAX_INBOX 20000
/* ...and all running cases together at most this many: a decoded packet
 * takes about 7.8 KB with its two 5.0 property blocks (1.7 KB before), so
 * this bound is some 120 MB, and 16 flooded cases would otherwise hold 2.5 GB.
 * (At 20000, the flood of make test's hostile broker peaked past its 200 MB
 * bound on a loaded machine, with the reports of 160 5.0 cases beside it.) */
#define ENGINE_MAX_HELD 15000
/* A case's wire trace keeps at most this many events, then a note: the
 * trace of every case stays in memory and in the reports (a flood on every
 * case would otherwise make gigabytes of JSON and HTML). */
#define ENGINE_MAX_WIRE 1000
/* Wire violations recorded as checks per case; beyond, only a clause the
 * case has not yet seen broken (a flood of bad packets adds nothing new). */
#define ENGINE_MAX_VIOLATIONS 100

void engine_client_wire(struct engine_case *r, int ci, enum wire_dir dir, const uint8_t *b, size_t n, const char *text,
			const char *violation, double now)
{
	struct case_result *res = r->res;
	if (res->nwire > ENGINE_MAX_WIRE)
		return;
	if (res->nwire == ENGINE_MAX_WIRE) {
		dir = WIRE_NOTE;
		b = NULL;
		text = "wire trace truncated: more events than mqttspec keeps per case";
		violation = NULL;
	}
	results_add_wire(res, now - r->t0, ci, dir, b, n, text, violation);
}

/* Already a failed check of this one clause in the case (with this note, if given)? */
static int already_failed(const struct case_result *res, const struct catalog_clause *cl, const char *note)
{
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct check_result *k = &res->checks[i];
		int same = cl ? k->nclauses == 1 && k->clauses[0] == cl->id : k->nclauses == 0;
		if (k->outcome == CHECK_FAIL && same && (!note || (k->note && strcmp(k->note, note) == 0)))
			return 1;
	}
	return 0;
}

/* `by` says what found it; `once`: not again if the case already has that
 * failure from the same finder (a monitor charges a clause once per case). */
static void violation_by(struct engine_case *r, const char *clause, const char *what, const char *by, int once,
			 double now)
{
	const struct catalog_clause *cl = clause ? catalog_find(r->cat, r->res->protocol, clause) : NULL;
	struct case_result *res = r->res;
	if ((once && already_failed(res, cl, by)) || (r->nviolations >= ENGINE_MAX_VIOLATIONS && already_failed(res, cl, NULL)))
		return;
	r->nviolations++;
	struct check_result *c = results_add_check(res, cl);
	if (cl)
		results_expect_clause(c, cl);
	else
		results_set_expected(c, "a well-formed packet");
	results_set_outcome(c, CHECK_FAIL, now - r->t0);
	results_set_step(c, r->step,
			 r->step < r->spec->nsteps + r->spec->ncleanup ? r->spec->steps[r->step].path : "(after the steps)");
	results_set_actual(c, "%s", what);
	results_set_note(c, "%s", by);
}

void engine_client_violation(struct engine_case *r, const char *clause, const char *what, double now)
{
	violation_by(r, clause, what, "found by the strict decoder on a received packet", 0, now);
}

static void client_reset(struct engine_client *c)
{
	for (size_t i = 0; i < c->nin; i++)
		free(c->in[i].raw);
	if (c->held)
		*c->held -= c->nin;
	c->nin = 0;
	c->rxn = 0;
	c->close_after_flush = 0;
	c->auth_round = 0;
	engine_alias_reset(&c->alias);
}

void engine_client_open(struct engine_case *r, int ci, double now)
{
	struct engine_client *c = &r->cl[ci];
	struct err e;
	client_reset(c);
	engine_monitor_conn_reset(&c->mon);
	c->held = r->held;
	if (conn_start(&c->conn, c->ep, r->o->conn_ctx, &e) < 0) {
		c->state = ENGINE_BROKEN;
		engine_client_wire(r, ci, WIRE_NOTE, NULL, 0, e.msg, NULL, now);
		return;
	}
	c->state = ENGINE_CONNECTING;
}

static void drop(struct engine_case *r, int ci, enum engine_cstate st, const char *why, double now)
{
	struct engine_client *c = &r->cl[ci];
	conn_close(&c->conn);
	c->state = st;
	c->closed_at = now;
	engine_client_wire(r, ci, st == ENGINE_PEER_CLOSED ? WIRE_CLOSED : WIRE_HANGUP, NULL, 0, why, NULL, now);
}

void engine_client_hangup(struct engine_case *r, int ci, double now)
{
	struct engine_client *c = &r->cl[ci];
	if (c->conn.fd >= 0)
		drop(r, ci, ENGINE_HUNG_UP, "closed by mqttspec", now);
	else if (c->state == ENGINE_CONNECTING || c->state == ENGINE_OPEN)
		c->state = ENGINE_HUNG_UP;
}

static void flush(struct engine_case *r, int ci, double now)
{
	struct engine_client *c = &r->cl[ci];
	struct err e;
	if (c->state != ENGINE_OPEN)
		return;
	if (conn_flush(&c->conn, &e) < 0) {
		char msg[RESULTS_TEXT_MAX];
		snprintf(msg, sizeof msg, "send failed: %s", e.msg);
		drop(r, ci, ENGINE_PEER_CLOSED, msg, now);
		return;
	}
	if (c->close_after_flush && conn_queued(&c->conn) == 0)
		drop(r, ci, ENGINE_HUNG_UP, "closed by mqttspec after DISCONNECT", now);
}

void engine_client_send(struct engine_case *r, int ci, const uint8_t *b, const uint8_t *logged, size_t n, const char *text,
			double now)
{
	struct engine_client *c = &r->cl[ci];
	struct err e;
	engine_client_wire(r, ci, WIRE_TX, logged, n, text, NULL, now);
	engine_monitor_tx(&r->mon, &c->mon, b, n);
	if (conn_write(&c->conn, b, n, &e) < 0) {
		char msg[RESULTS_TEXT_MAX];
		snprintf(msg, sizeof msg, "send failed: %s", e.msg);
		drop(r, ci, ENGINE_PEER_CLOSED, msg, now);
		return;
	}
	flush(r, ci, now);
}

/* A client with auto_ack answers deliveries itself: PUBACK for QoS 1, PUBREC for
 * QoS 2, PUBCOMP for PUBREL (which it then treats as read). */
static void auto_ack(struct engine_case *r, int ci, struct engine_msg *m, double now)
{
	enum mqtt_type reply;
	int qos = (m->pkt.flags >> MQTT_PF_QOS_SHIFT) & 3;
	/* Id 0 is no id (MQTT-2.3.1-1, already reported): echoing it would be our own
	 * protocol violation, and the broker's close would be charged to later checks. */
	if (m->pkt.has_packet_id && m->pkt.packet_id == 0)
		return;
	if (m->pkt.type == MQTT_PUBLISH && (qos == 1 || qos == 2) && m->pkt.has_packet_id)
		reply = qos == 1 ? MQTT_PUBACK : MQTT_PUBREC;
	else if (m->pkt.type == MQTT_PUBREL && m->pkt.has_packet_id)
		reply = MQTT_PUBCOMP;
	else
		return;
	struct mqtt_packet p;
	mqtt_packet_init(&p, reply);
	p.has_packet_id = true;
	p.packet_id = m->pkt.packet_id;
	uint8_t b[4];
	int n = mqtt_encode(r->spec->protocol, &p, b, sizeof b);
	if (n < 0)
		return;
	char text[64];
	mqtt_print_v(r->spec->protocol, &p, text, sizeof text);
	size_t l = strlen(text);
	snprintf(text + l, sizeof text - l, " (auto_ack)");
	if (reply == MQTT_PUBCOMP)
		m->consumed = 1;
	engine_client_send(r, ci, b, b, (size_t)n, text, now);
}

/* A decoded packet against the strict checker and the monitors: each
 * finding is a check of its own; returns the clause the trace shows it
 * breaking (the checker's first), or NULL. */
static const char *judge_packet(struct engine_case *r, int ci, enum mqtt_version v, const struct mqtt_packet *pkt,
				const char *text, double now)
{
	struct engine_client *c = &r->cl[ci];
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	const char *viol = NULL;
	/* The other version's form (a CONNACK to a CONNECT of another level): its
	 * rules are not the case's version's clauses, so only the monitors judge it. */
	if (v == r->spec->protocol && mqtt_check(v, pkt, MQTT_FROM_SERVER, &d) < 0) {
		viol = d.clause;
		char what[RESULTS_TEXT_MAX];
		snprintf(what, sizeof what, "%s: %s", text, d.msg);
		engine_client_violation(r, d.clause, what, now);
	}
	char mwhat[400];
	const char *mviol = engine_monitor_rx(&r->mon, &c->mon, pkt, viol != NULL, mwhat, sizeof mwhat);
	if (mviol) {
		char what[RESULTS_TEXT_MAX];
		snprintf(what, sizeof what, "%s: %s", text, mwhat);
		/* A monitor says a clause is broken once per case: the first packet shows it. */
		violation_by(r, mviol, what, "found by a monitor (an invariant checked on every packet)", 1,
					   now);
		viol = viol ? viol : mviol;
	}
	return viol;
}

/* Queue a packet in the client's inbox (it owns m->raw then). 0, or -1 when
 * the inboxes are full and the connection was dropped (m->raw freed). */
static int inbox_add(struct engine_case *r, int ci, const struct engine_msg *m, double now)
{
	struct engine_client *c = &r->cl[ci];
	if (c->nin >= ENGINE_MAX_INBOX || (c->held && *c->held >= ENGINE_MAX_HELD)) {
		free(m->raw);
		drop(r, ci, ENGINE_BROKEN,
		     c->nin >= ENGINE_MAX_INBOX
			     ? "the broker sent more packets than mqttspec keeps for one client; connection dropped"
			     : "the broker sent more packets than mqttspec keeps for all running cases; connection dropped",
		     now);
		return -1;
	}
	if (c->held)
		(*c->held)++;
	if (c->nin == c->capin) {
		c->capin = c->capin ? c->capin * 2 : 16;
		c->in = alloc_array(c->in, c->capin, sizeof *c->in);
	}
	c->in[c->nin++] = *m;
	if (r->spec->clients[ci].auto_ack)
		auto_ack(r, ci, &c->in[c->nin - 1], now);
	if (r->spec->clients[ci].auto_auth && engine_auth_answer(r, ci, &c->in[c->nin - 1].pkt, now))
		c->in[c->nin - 1].consumed = 1;
	return 0;
}

/* An aliased PUBLISH with an empty topic name: the steps see the name its
 * alias stands for, kept after the packet's own bytes (freed with them). */
static void alias_put(enum mqtt_version v, struct engine_msg *m, struct mqtt_slice t, char *text, size_t n)
{
	uint8_t *b = alloc_bytes(m->len + t.n);
	memcpy(b, m->raw, m->len);
	memcpy(b + m->len, t.p, t.n);
	free(m->raw);
	m->raw = b;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	mqtt_decode(v, m->raw, m->len, &m->pkt, &d); /* decoded once already */
	m->pkt.topic.s = (struct mqtt_slice){b + m->len, t.n};
	size_t k = strlen(text);
	snprintf(text + k, n - k, " (topic by its alias)");
}

/* The version a received packet is read in: the case's, but for the answer
 * to a CONNECT of another Protocol Level in a 5.0 case. A broker refusing
 * that level may answer in either version's form (MQTT-3.1.2-2 sets only the
 * close), and the remaining length tells them apart: 2 is 3.1.1's. */
static enum mqtt_version rx_version(const struct engine_case *r, int ci, const uint8_t *b, size_t len)
{
	enum mqtt_version v = r->spec->protocol;
	if (v != MQTT_V5 || (b[0] >> 4) != MQTT_CONNACK || engine_monitor_conn_version(&r->mon, &r->cl[ci].mon, v) == MQTT_V5)
		return v;
	return len == 4 ? MQTT_V311 : MQTT_V5;
}

/* One framed packet: decode, judge, log, queue. 0, or -1 when the
 * connection was dropped (it did not decode, or the inboxes are full). */
static int take_one(struct engine_case *r, int ci, const uint8_t *bytes, size_t len, double now)
{
	struct engine_msg m;
	memset(&m, 0, sizeof m);
	m.raw = alloc_bytes(len);
	memcpy(m.raw, bytes, len);
	m.len = len;
	m.t = now;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	char text[400];
	enum mqtt_version v = rx_version(r, ci, m.raw, len);
	if (mqtt_decode(v, m.raw, len, &m.pkt, &d) < 0) {
		snprintf(text, sizeof text, "%s (%s)", d.msg, mqtt_type_name((enum mqtt_type)(m.raw[0] >> 4)));
		engine_client_wire(r, ci, WIRE_RX, m.raw, len, text, d.clause, now);
		engine_client_violation(r, d.clause, text, now);
		free(m.raw);
		drop(r, ci, ENGINE_BROKEN, "connection dropped: malformed packet from the broker", now);
		return -1;
	}
	mqtt_print_v(v, &m.pkt, text, sizeof text);
	const char *viol = judge_packet(r, ci, v, &m.pkt, text, now);
	m.viol = viol;
	struct mqtt_slice t;
	if (engine_alias_take(&r->cl[ci].alias, &m.pkt, &t))
		alias_put(r->spec->protocol, &m, t, text, sizeof text);
	engine_client_wire(r, ci, WIRE_RX, m.raw, len, text, viol, now);
	return inbox_add(r, ci, &m, now);
}

/* Frame what has arrived and take each whole packet; drop the connection
 * on a packet too big to buffer or bytes that are not a packet. */
static void take_packets(struct engine_case *r, int ci, double now)
{
	struct engine_client *c = &r->cl[ci];
	size_t off = 0;
	while (c->state == ENGINE_OPEN && off < c->rxn) {
		struct mqtt_frame f;
		struct mqtt_diag d;
		memset(&d, 0, sizeof d);
		int fr = mqtt_frame_next(r->spec->protocol, c->rx + off, c->rxn - off, &f, &d);
		if (fr == 0 && f.header_len && f.total_len > ENGINE_MAX_PACKET) {
			char msg[RESULTS_TEXT_MAX];
			snprintf(msg, sizeof msg, "the broker announced a %zu-byte packet, over mqttspec's %u-byte limit; connection dropped",
				 f.total_len, ENGINE_MAX_PACKET);
			drop(r, ci, ENGINE_BROKEN, msg, now);
			return;
		}
		if (fr == 0)
			break;
		if (fr < 0) {
			size_t n = c->rxn - off > 16 ? 16 : c->rxn - off;
			engine_client_wire(r, ci, WIRE_RX, c->rx + off, n, d.msg, d.clause, now);
			engine_client_violation(r, d.clause, d.msg, now);
			drop(r, ci, ENGINE_BROKEN, "connection dropped: unreadable bytes from the broker", now);
			return;
		}
		size_t len = f.total_len;
		off += len;
		if (take_one(r, ci, c->rx + off - len, len, now) < 0)
			return;
	}
	if (off) {
		memmove(c->rx, c->rx + off, c->rxn - off);
		c->rxn -= off;
	}
}

const char *engine_transport_clause(const struct engine_case *r, enum conn_rule k)
{
	switch (k) {
	case CONN_RULE_WS_BINARY:
		return mqtt_rule_clause(r->spec->protocol, MQTT_RULE_WS_BINARY);
	case CONN_RULE_WS_SUBPROTOCOL:
		return mqtt_rule_clause(r->spec->protocol, MQTT_RULE_WS_SUBPROTOCOL);
	case CONN_RULE_NONE:
		break;
	}
	return NULL;
}

/* The connection (TCP, TLS, WebSocket upgrade) made progress while opening. */
static void on_connecting(struct engine_case *r, int ci, double now)
{
	struct engine_client *c = &r->cl[ci];
	struct err e;
	int pr = conn_progress(&c->conn, &e);
	if (pr == 0)
		return;
	if (pr < 0) {
		conn_close(&c->conn);
		c->state = ENGINE_BROKEN;
		engine_client_wire(r, ci, WIRE_NOTE, NULL, 0, e.msg, NULL, now);
		return;
	}
	c->state = ENGINE_OPEN;
	engine_client_wire(r, ci, WIRE_OPEN, NULL, 0, c->ep->url, NULL, now);
	if (c->conn.violation) {
		const char *clause = engine_transport_clause(r, c->conn.violation);
		if (!engine_step_claims_setup(r, clause))
			engine_client_violation(r, clause, c->conn.violation_msg, now);
		c->conn.violation = CONN_RULE_NONE;
	}
	flush(r, ci, now);
}

/* What the transport found (a WebSocket framing rule broken) is a finding. */
static void transport_finding(struct engine_case *r, struct engine_client *c, double now)
{
	if (c->conn.violation) {
		engine_client_violation(r, engine_transport_clause(r, c->conn.violation), c->conn.violation_msg, now);
		c->conn.violation = CONN_RULE_NONE;
	}
}

/* The broker closed (n 0) or the read failed (n -1, why in e): the packets
 * that arrived whole are taken first, then the connection is dropped. */
static void on_closed(struct engine_case *r, int ci, long n, const struct err *e, double now)
{
	struct engine_client *c = &r->cl[ci];
	take_packets(r, ci, now);
	transport_finding(r, c, now);
	if (c->state != ENGINE_OPEN)
		return;
	char msg[RESULTS_TEXT_MAX];
	if (c->rxn)
		snprintf(msg, sizeof msg, "closed by the broker%s%s, %zu bytes of an unfinished packet left",
			 n < 0 ? ": " : "", n < 0 ? e->msg : "", c->rxn);
	else
		snprintf(msg, sizeof msg, "closed by the broker%s%s", n < 0 ? ": " : "", n < 0 ? e->msg : "");
	drop(r, ci, ENGINE_PEER_CLOSED, msg, now);
}

void engine_client_on_io(struct engine_case *r, int ci, short revents, double now)
{
	struct engine_client *c = &r->cl[ci];
	if (c->state == ENGINE_CONNECTING) {
		on_connecting(r, ci, now);
		return;
	}
	if (c->state != ENGINE_OPEN)
		return;
	if (revents & POLLOUT)
		flush(r, ci, now);
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return;
	for (int rounds = 0; rounds < 16 && c->state == ENGINE_OPEN; rounds++) {
		if (c->rxcap - c->rxn < 65536) {
			c->rxcap = c->rxn + 65536;
			c->rx = alloc_resize(c->rx, c->rxcap);
		}
		struct err e;
		long n = conn_read(&c->conn, c->rx + c->rxn, c->rxcap - c->rxn, &e);
		if (n == -2)
			break;
		if (n == 0 || n == -1) {
			on_closed(r, ci, n, &e, now);
			return;
		}
		c->rxn += (size_t)n;
		transport_finding(r, c, now);
		take_packets(r, ci, now);
	}
}

void engine_client_finish(struct engine_case *r, int ci, double now)
{
	struct engine_client *c = &r->cl[ci];
	uint8_t disconnect[2];
	int dn = mqtt_encode_disconnect(r->spec->protocol, disconnect, sizeof disconnect);
	if (c->state == ENGINE_OPEN && !c->close_after_flush && dn > 0) {
		struct err e;
		if (conn_write(&c->conn, disconnect, (size_t)dn, &e) == 0)
			engine_client_wire(r, ci, WIRE_TX, disconnect, (size_t)dn, "DISCONNECT (mqttspec tidies up)", NULL,
					   now);
	}
	engine_client_hangup(r, ci, now);
}

void engine_client_free(struct engine_client *c)
{
	conn_close(&c->conn);
	client_reset(c);
	free(c->in);
	free(c->rx);
}
