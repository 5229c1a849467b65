/* engine_preflight.c - before any case: can we connect, and does the broker
 * accept a plain CONNECT? If not, the run is a set-up error, never a page
 * of INCONCLUSIVE verdicts. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "harness/engine_int.h"

/* Wait for `events` on c until `end`; 1 ready, 0 timed out. */
static int wait_for(struct conn *c, short events, double end)
{
	for (;;) {
		double now = engine_now();
		if (now >= end)
			return 0;
		struct pollfd p = {c->fd, events, 0};
		int r = poll(&p, 1, (int)(end - now) + 1);
		if (r > 0)
			return 1;
	}
}

int engine_preflight(const struct conn_endpoint *ep, const struct engine_opts *o, struct err *e)
{
	struct conn c = {-1};
	double end = engine_now() + 5000 * o->time_scale;
	if (conn_start(&c, ep, e) < 0)
		return err_prefix(e, "pre-flight");
	if (!wait_for(&c, POLLOUT, end)) {
		conn_close(&c);
		return err_set(e, "pre-flight: no connection to %s within %.0f ms", ep->url, 5000 * o->time_scale);
	}
	if (conn_finish(&c, e) < 0) {
		conn_close(&c);
		return err_prefix(e, "pre-flight: %s", ep->url);
	}
	char id[32];
	snprintf(id, sizeof id, "ms%spre", o->run_prefix);
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
	uint8_t out[64];
	int n = mqtt_encode(&p, out, sizeof out);
	if (n < 0 || conn_write(&c, out, (size_t)n, e) != n) {
		conn_close(&c);
		return err_set(e, "pre-flight: cannot send CONNECT to %s", ep->url);
	}
	uint8_t in[256];
	size_t got = 0;
	for (;;) {
		if (!wait_for(&c, POLLIN, end)) {
			conn_close(&c);
			return err_set(e, "pre-flight: %s did not answer CONNECT within %.0f ms (is it an MQTT 3.1.1 broker?)",
				       ep->url, 5000 * o->time_scale);
		}
		long r = conn_read(&c, in + got, sizeof in - got, e);
		if (r == -2)
			continue;
		if (r <= 0) {
			conn_close(&c);
			return err_set(e, "pre-flight: %s closed the connection instead of answering CONNECT%s%s", ep->url,
				       r < 0 ? ": " : "", r < 0 ? e->msg : "");
		}
		got += (size_t)r;
		struct mqtt_frame f;
		int fr = mqtt_frame_next(in, got, &f, NULL);
		if (fr == 0 && got < sizeof in)
			continue;
		struct mqtt_packet a;
		if (fr <= 0 || mqtt_decode(in, f.total_len, &a, NULL) < 0 || a.type != MQTT_CONNACK) {
			char hex[100];
			mqtt_print_hex(in, got, hex, sizeof hex);
			conn_close(&c);
			return err_set(e, "pre-flight: %s answered CONNECT with something other than a CONNACK: %s", ep->url, hex);
		}
		if (a.return_code != 0) {
			conn_close(&c);
			return err_set(e, "pre-flight: %s refused a plain CONNECT with return code 0x%02x%s", ep->url,
				       a.return_code,
				       a.return_code == 4 || a.return_code == 5 ? " (it wants credentials)" : "");
		}
		break;
	}
	static const uint8_t disc[2] = {0xe0, 0x00};
	conn_write(&c, disc, 2, e);
	conn_close(&c);
	return 0;
}
