/* sync_client.c - see sync_client.h. */
#include "engine/sync_client.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_rule.h"
#include "util/clock.h"
#include "case/case.h"
#include "case/fields.h"

/* Wait until the connection can make progress, or `end`. 1 ready, 0 timed out. */
static int wait_for(struct conn *c, double end)
{
	for (;;) {
		if (conn_pending(c))
			return 1;
		double now = clock_ms();
		if (now >= end)
			return 0;
		struct pollfd p = {c->fd, conn_events(c), 0};
		if (poll(&p, 1, (int)(end - now) + 1) > 0)
			return 1;
	}
}

int sync_client_open(struct sync_client *b, const struct conn_endpoint *ep, struct conn_ctx *ctx, double end, struct err *e)
{
	memset(b, 0, sizeof *b);
	b->version = MQTT_V311;
	conn_init(&b->conn);
	if (conn_start(&b->conn, ep, ctx, e) < 0)
		return -1;
	for (;;) {
		if (!wait_for(&b->conn, end)) {
			enum conn_state st = b->conn.state;
			conn_close(&b->conn);
			return err_set(e, "%s could not be reached in time%s", ep->url,
				       st == CONN_TLS ? " (the TLS handshake did not finish)"
				       : st == CONN_UPGRADE ? " (no answer to the WebSocket upgrade)" : "");
		}
		int r = conn_progress(&b->conn, e);
		if (r < 0) {
			conn_close(&b->conn);
			return -1;
		}
		if (r == 1)
			return 0;
	}
}

int sync_client_send(struct sync_client *b, const struct mqtt_packet *p, struct err *e)
{
	uint8_t out[2048];
	int n = mqtt_encode(b->version, p, out, sizeof out);
	if (n < 0)
		return err_set(e, "the packet is too long to send");
	if (conn_write(&b->conn, out, (size_t)n, e) < 0)
		return -1;
	return conn_flush(&b->conn, e);
}

/* Keep the first rule broken on this connection (first packet not a
 * CONNACK, malformed, breaking a rule of the strict checker). */
static void judge(struct sync_client *b, const struct mqtt_packet *p, int decoded)
{
	int first = !b->seen_first;
	b->seen_first = 1;
	if (!b->find || b->find->clause)
		return;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	const char *clause = NULL;
	char what[300];
	if (first && b->lastn && b->last[0] >> 4 != MQTT_CONNACK) {
		clause = mqtt_rule_clause(b->version, MQTT_RULE_FIRST_CONNACK);
		snprintf(what, sizeof what, "the first packet on the connection is %s, not CONNACK",
			 mqtt_type_name((enum mqtt_type)(b->last[0] >> 4)));
	} else if (!decoded) {
		clause = b->diag.clause;
		snprintf(what, sizeof what, "%s", b->diag.msg);
	} else if (mqtt_check(b->version, p, MQTT_FROM_SERVER, &d) < 0) {
		char text[200];
		mqtt_print_v(b->version, p, text, sizeof text);
		clause = d.clause;
		snprintf(what, sizeof what, "%s: %s", text, d.msg);
	}
	if (!clause)
		return;
	b->find->clause = clause;
	snprintf(b->find->what, sizeof b->find->what, "%s", what);
	b->find->rawn = b->lastn > sizeof b->find->raw ? sizeof b->find->raw : b->lastn;
	memcpy(b->find->raw, b->last, b->find->rawn);
}

int sync_client_recv(struct sync_client *b, double end, struct mqtt_packet *p, struct err *e)
{
	/* Drop the packet returned last time. */
	memmove(b->in, b->in + b->used, b->n - b->used);
	b->n -= b->used;
	b->used = 0;
	b->last = NULL;
	b->lastn = 0;
	memset(&b->diag, 0, sizeof b->diag);
	for (;;) {
		struct mqtt_frame f;
		int fr = mqtt_frame_next(b->version, b->in, b->n, &f, &b->diag);
		if (fr < 0 || (fr == 0 && f.header_len && f.total_len > sizeof b->in)) {
			b->last = b->in;
			b->lastn = b->n > 16 ? 16 : b->n;
			return err_set(e, "the broker sent something that is not an MQTT packet (or one too big here)");
		}
		if (fr == 1) {
			b->last = b->in;
			b->lastn = f.total_len;
			b->used = f.total_len;
			if (mqtt_decode(b->version, b->in, f.total_len, p, &b->diag) < 0) {
				judge(b, p, 0);
				return err_set(e, "the broker sent a malformed packet: %s", b->diag.msg);
			}
			judge(b, p, 1);
			return 1;
		}
		conn_flush(&b->conn, e);
		if (!wait_for(&b->conn, end))
			return 0;
		long r = conn_read(&b->conn, b->in + b->n, sizeof b->in - b->n, e);
		if (r == -2)
			continue;
		if (r == 0)
			return err_set(e, "the broker closed the connection");
		if (r < 0)
			return -1;
		b->n += (size_t)r;
	}
}

void sync_client_close(struct sync_client *b)
{
	uint8_t disc[2];
	int dn = mqtt_encode_disconnect(b->version, disc, sizeof disc);
	struct err e;
	if (b->conn.state == CONN_OPEN && dn > 0 && conn_write(&b->conn, disc, (size_t)dn, &e) == 0)
		conn_flush(&b->conn, &e);
	conn_close(&b->conn);
}

void sync_client_connect_packet(struct mqtt_packet *p, const char *id, const char *user, const char *pass)
{
	sync_client_connect_packet_v(p, MQTT_V311, id, user, pass);
}

void sync_client_connect_packet_v(struct mqtt_packet *p, enum mqtt_version v, const char *id, const char *user,
				  const char *pass)
{
	mqtt_packet_init(p, MQTT_CONNECT);
	fields_connect_defaults(p, v, id);
	if (user) {
		p->username.present = true;
		p->username.s.p = (const uint8_t *)user;
		p->username.s.n = strlen(user);
		p->connect_flags |= MQTT_CF_USERNAME;
	}
	if (pass) {
		p->password.present = true;
		p->password.s.p = (const uint8_t *)pass;
		p->password.s.n = strlen(pass);
		p->connect_flags |= MQTT_CF_PASSWORD;
	}
}
