/* engine_preflight.c - before any case: can we connect (TCP, TLS, WebSocket),
 * and does the broker accept a plain CONNECT? If not, the run is a set-up
 * error, never a page of INCONCLUSIVE verdicts. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "harness/engine_int.h"

/* Wait until the connection can make progress, or `end`. 1 ready, 0 timed out. */
static int wait_for(struct conn *c, double end)
{
	for (;;) {
		if (conn_pending(c))
			return 1;
		double now = engine_now();
		if (now >= end)
			return 0;
		struct pollfd p = {c->fd, conn_events(c), 0};
		if (poll(&p, 1, (int)(end - now) + 1) > 0)
			return 1;
	}
}

/* Close and say what happened: "pre-flight: <url> <what>". */
static int fail(struct conn *c, struct err *e, const char *url, const char *what)
{
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "pre-flight: %s %s", url, what);
	conn_close(c);
	return err_set(e, "%s", msg);
}

int engine_preflight(const struct conn_endpoint *ep, const struct engine_opts *o, struct err *e)
{
	struct conn c;
	conn_init(&c);
	double limit = 5000 * o->time_scale, end = engine_now() + limit;
	if (conn_start(&c, ep, o->conn_ctx, e) < 0)
		return err_prefix(e, "pre-flight");
	for (;;) {
		if (!wait_for(&c, end)) {
			char what[200];
			snprintf(what, sizeof what, "could not be reached within %.0f ms%s", limit,
				 c.state == CONN_TLS ? " (the TLS handshake did not finish)"
				 : c.state == CONN_UPGRADE ? " (no answer to the WebSocket upgrade)" : "");
			return fail(&c, e, ep->url, what);
		}
		int r = conn_progress(&c, e);
		if (r < 0) {
			conn_close(&c);
			return err_prefix(e, "pre-flight");
		}
		if (r == 1)
			break;
	}
	char id[40];
	snprintf(id, sizeof id, "%s%spre", o->client_prefix ? o->client_prefix : "ms", o->run_prefix);
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_CONNECT);
	p.protocol_name.present = true;
	p.protocol_name.s.p = (const uint8_t *)"MQTT";
	p.protocol_name.s.n = 4;
	p.protocol_level = 4;
	p.connect_flags = MQTT_CF_CLEAN_SESSION;
	p.keep_alive = 60;
	p.client_id.present = true;
	p.client_id.s.p = (const uint8_t *)id;
	p.client_id.s.n = strlen(id);
	if (o->username) {
		p.username.present = true;
		p.username.s.p = (const uint8_t *)o->username;
		p.username.s.n = strlen(o->username);
		p.connect_flags |= MQTT_CF_USERNAME;
	}
	if (o->password) {
		p.password.present = true;
		p.password.s.p = (const uint8_t *)o->password;
		p.password.s.n = strlen(o->password);
		p.connect_flags |= MQTT_CF_PASSWORD;
	}
	uint8_t out[1024];
	int n = mqtt_encode(&p, out, sizeof out);
	if (n < 0 || conn_write(&c, out, (size_t)n, e) < 0) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "could not be sent a CONNECT: %s", n < 0 ? "the user name or password is too long" : e->msg);
		return fail(&c, e, ep->url, what);
	}
	uint8_t in[256];
	size_t got = 0;
	for (;;) {
		conn_flush(&c, e);
		if (!wait_for(&c, end)) {
			char what[200];
			snprintf(what, sizeof what, "did not answer CONNECT within %.0f ms (is it an MQTT 3.1.1 broker?)", limit);
			return fail(&c, e, ep->url, what);
		}
		long r = conn_read(&c, in + got, sizeof in - got, e);
		if (r == -2)
			continue;
		if (r <= 0) {
			char what[sizeof e->msg];
			snprintf(what, sizeof what, "closed the connection instead of answering CONNECT%s%s", r < 0 ? ": " : "",
				 r < 0 ? e->msg : "");
			return fail(&c, e, ep->url, what);
		}
		got += (size_t)r;
		struct mqtt_frame f;
		int fr = mqtt_frame_next(in, got, &f, NULL);
		if (fr == 0 && got < sizeof in)
			continue;
		struct mqtt_packet a;
		if (fr <= 0 || mqtt_decode(in, f.total_len, &a, NULL) < 0 || a.type != MQTT_CONNACK) {
			char hex[100], what[200];
			mqtt_print_hex(in, got, hex, sizeof hex);
			snprintf(what, sizeof what, "answered CONNECT with something other than a CONNACK: %s", hex);
			return fail(&c, e, ep->url, what);
		}
		if (a.return_code != 0) {
			char why[240];
			static const char *const names[] = {"", "unacceptable protocol version", "identifier rejected",
							    "server unavailable", "bad user name or password", "not authorized"};
			snprintf(why, sizeof why, "refused a plain CONNECT with return code 0x%02x (%s)%s", a.return_code, a.return_code <= 5 ? names[a.return_code] : "reserved",
				 (a.return_code == 4 || a.return_code == 5) && !o->username
					 ? "; it wants credentials: --username and --password-file" : "");
			return fail(&c, e, ep->url, why);
		}
		break;
	}
	static const uint8_t disc[2] = {0xe0, 0x00};
	conn_write(&c, disc, 2, e);
	conn_close(&c);
	return 0;
}
