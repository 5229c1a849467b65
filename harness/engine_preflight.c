/* engine_preflight.c - before any case: can we connect (TCP, TLS, WebSocket),
 * and does the broker accept a plain CONNECT? If not, the run is a set-up
 * error, never a page of INCONCLUSIVE verdicts. */
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_print.h"
#include "harness/blocking.h"
#include "harness/engine_int.h"

static int fail(struct blocking *b, struct err *e, const char *url, const char *what)
{
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "pre-flight: %s %s", url, what);
	conn_close(&b->conn);
	return err_set(e, "%s", msg);
}

int engine_preflight(const struct conn_endpoint *ep, const struct engine_opts *o, struct err *e)
{
	struct blocking b;
	double limit = 5000 * o->time_scale, end = engine_now() + limit;
	if (blocking_open(&b, ep, o->conn_ctx, end, e) < 0)
		return err_prefix(e, "pre-flight");
	char id[40];
	snprintf(id, sizeof id, "%s%spre", o->client_prefix ? o->client_prefix : "ms", o->run_prefix);
	struct mqtt_packet p, a;
	blocking_connect_packet(&p, id, o->username, o->password);
	if (blocking_send(&b, &p, e) < 0) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "could not be sent a CONNECT: %s", e->msg);
		return fail(&b, e, ep->url, what);
	}
	int r = blocking_recv(&b, end, &a, e);
	if (r == 0) {
		char what[200];
		snprintf(what, sizeof what, "did not answer CONNECT within %.0f ms (is it an MQTT 3.1.1 broker?)", limit);
		return fail(&b, e, ep->url, what);
	}
	if (r < 0) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "did not answer CONNECT with a CONNACK: %s", e->msg);
		return fail(&b, e, ep->url, what);
	}
	if (a.type != MQTT_CONNACK) {
		char text[200], what[300];
		mqtt_print(&a, text, sizeof text);
		snprintf(what, sizeof what, "answered CONNECT with something other than a CONNACK: %s", text);
		return fail(&b, e, ep->url, what);
	}
	if (a.return_code != 0) {
		static const char *const names[] = {"", "unacceptable protocol version", "identifier rejected",
						    "server unavailable", "bad user name or password", "not authorized"};
		char why[240];
		snprintf(why, sizeof why, "refused a plain CONNECT with return code 0x%02x (%s)%s", a.return_code,
			 a.return_code <= 5 ? names[a.return_code] : "reserved",
			 (a.return_code == 4 || a.return_code == 5) && !o->username
				 ? "; it wants credentials: --username and --password-file" : "");
		return fail(&b, e, ep->url, why);
	}
	blocking_close(&b);
	return 0;
}
