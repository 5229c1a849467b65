/* profile_probe.c - a short probe of the broker's optional features before
 * the cases run: the QoS it grants, wildcard support, retained messages, $SYS,
 * long client ids. Every wait is bounded; what it cannot learn stays unknown. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/profile_probe.h"
#include "engine/sync_client.h"
#include "engine/engine.h"
#include "util/clock.h"
#include "case/profile.h"

struct probe {
	const struct conn_endpoint *ep;
	const struct engine_opts *o;
	char topic[300];
	double window;   /* ms for one answer */
	struct sync_client_finding *find; /* the first rule a probe answer broke */
};

static void str(struct mqtt_str *s, const char *t)
{
	s->present = true;
	s->s.p = (const uint8_t *)t;
	s->s.n = strlen(t);
	s->len_override = -1;
}

/* Open and CONNECT a client with this id. 1 accepted, 0 refused (rc in *rc), -1 failed. */
static int connect_as(struct probe *pr, struct sync_client *b, const char *id, int *rc)
{
	struct err e;
	double end = clock_ms() + pr->window;
	if (sync_client_open(b, pr->ep, pr->o->conn_ctx, end, &e) < 0)
		return -1;
	b->find = pr->find;
	struct mqtt_packet p, a;
	sync_client_connect_packet(&p, id, pr->o->username, pr->o->password);
	if (sync_client_send(b, &p, &e) < 0 || sync_client_recv(b, end, &a, &e) != 1 || a.type != MQTT_CONNACK) {
		conn_close(&b->conn);
		return -1;
	}
	*rc = a.return_code;
	if (a.return_code != 0) {
		conn_close(&b->conn);
		return 0;
	}
	return 1;
}

/* Wait for a packet of `type` (others are skipped). 1 got it, 0 not. */
static int await(struct probe *pr, struct sync_client *b, enum mqtt_type type, struct mqtt_packet *out, double ms)
{
	struct err e;
	double end = clock_ms() + ms;
	for (;;) {
		int r = sync_client_recv(b, end, out, &e);
		if (r != 1)
			return 0;
		if (out->type == type)
			return 1;
		(void)pr;
	}
}

static int subscribe(struct probe *pr, struct sync_client *b, const char *const *filters, const uint8_t *qos, size_t n,
		     struct mqtt_packet *ack)
{
	struct err e;
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_SUBSCRIBE);
	p.flags = 2;
	p.has_packet_id = true;
	p.packet_id = 1;
	for (size_t i = 0; i < n; i++) {
		str(&p.entries[i].filter, filters[i]);
		p.entries[i].qos = qos[i];
		p.entries[i].has_qos = true;
	}
	p.entry_count = n;
	return sync_client_send(b, &p, &e) == 0 && await(pr, b, MQTT_SUBACK, ack, pr->window) && ack->code_count == n;
}

static void publish(struct sync_client *b, const char *topic, const char *payload, int retain, int qos, uint16_t id)
{
	struct err e;
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_PUBLISH);
	p.flags = (uint8_t)((retain ? MQTT_PF_RETAIN : 0) | qos << MQTT_PF_QOS_SHIFT);
	str(&p.topic, topic);
	p.payload.p = (const uint8_t *)payload;
	p.payload.n = strlen(payload);
	p.has_packet_id = qos > 0;
	p.packet_id = id;
	sync_client_send(b, &p, &e);
}

/* A value the probe learned, unless the user declared it: 1 (the caller sets
 * the value) with its source written, or 0. */
static int learned(struct profile *prof, enum profile_cap cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int learned(struct profile *prof, enum profile_cap cap, const char *fmt, ...)
{
	if (strncmp(prof->source[cap], "declared", 8) == 0)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prof->source[cap], sizeof prof->source[cap], fmt, ap);
	va_end(ap);
	return 1;
}

/* The grant of a QoS 2 subscription, and whether '+' is accepted. */
static void probe_grants(struct probe *pr, struct profile *prof, struct sync_client *a)
{
	char t_q[320], t_w[320];
	snprintf(t_q, sizeof t_q, "%s/q", pr->topic);
	snprintf(t_w, sizeof t_w, "%s/+/w", pr->topic);
	const char *filters[2] = {t_q, t_w};
	const uint8_t qos[2] = {2, 0};
	struct mqtt_packet ack;
	if (!subscribe(pr, a, filters, qos, 2, &ack))
		return;
	if (ack.codes[0] <= 2 &&
	    learned(prof, PROFILE_MAX_QOS, "probe: SUBACK 0x%02x for a QoS 2 subscription", ack.codes[0]))
		prof->caps.max_qos = ack.codes[0];
	if (learned(prof, PROFILE_WILDCARDS, "probe: SUBACK 0x%02x for a filter with '+'", ack.codes[1]))
		prof->caps.wildcards = ack.codes[1] != 0x80;
}

/* $SYS: a message on $SYS/# within half a window (b is connected). */
static void probe_sys(struct probe *pr, struct profile *prof, struct sync_client *b)
{
	if (pr->o->stay_in_prefix) {
		snprintf(prof->source[PROFILE_SYS], sizeof prof->source[PROFILE_SYS], "not probed: --stay-in-prefix");
		return;
	}
	const char *sf[1] = {"$SYS/#"};
	const uint8_t rq[1] = {0};
	struct mqtt_packet ack, m;
	int sys = subscribe(pr, b, sf, rq, 1, &ack) && ack.codes[0] != 0x80 &&
		  await(pr, b, MQTT_PUBLISH, &m, pr->window / 2);
	if (learned(prof, PROFILE_SYS, "probe: %s on $SYS/# within %.0f ms", sys ? "a message" : "nothing",
		    pr->window / 2))
		prof->caps.sys = sys;
}

/* Retained: stored at QoS 1 (a QoS 0 one may be discarded), seen by a later
 * subscriber `idb`, who then probes $SYS; the retained message is deleted. */
static void probe_retained(struct probe *pr, struct profile *prof, struct sync_client *a, const char *idb)
{
	char t_r[320];
	snprintf(t_r, sizeof t_r, "%s/r", pr->topic);
	struct sync_client b;
	struct mqtt_packet ack;
	int rc;
	publish(a, t_r, "probe", 1, 1, 2);
	if (await(pr, a, MQTT_PUBACK, &ack, pr->window) && connect_as(pr, &b, idb, &rc) == 1) {
		const char *rf[1] = {t_r};
		const uint8_t rq[1] = {0};
		struct mqtt_packet m;
		int arrived = subscribe(pr, &b, rf, rq, 1, &ack) && await(pr, &b, MQTT_PUBLISH, &m, pr->window);
		int flagged = arrived && (m.flags & MQTT_PF_RETAIN);
		if (learned(prof, PROFILE_RETAIN, "probe: a retained QoS 1 message %s a later subscriber",
			    flagged ? "reached" : arrived ? "reached (but with RETAIN 0)" : "did not reach"))
			prof->caps.retain = arrived;
		probe_sys(pr, prof, &b);
		sync_client_close(&b);
	}
	publish(a, t_r, "", 1, 0, 0); /* delete the retained message */
}

/* Long client ids: the spec guarantees 23 characters; try 64. */
static void probe_client_id(struct probe *pr, struct profile *prof, const char *pfx)
{
	char idc[80];
	snprintf(idc, sizeof idc, "%s%spr3", pfx, pr->o->run_prefix);
	size_t l = strlen(idc);
	memset(idc + l, '0', 64 - l);
	idc[64] = '\0';
	struct sync_client b;
	int rc, r = connect_as(pr, &b, idc, &rc);
	if (r == 1) {
		if (learned(prof, PROFILE_MAX_CLIENT_ID, "probe: a 64-character client id was accepted"))
			prof->caps.max_client_id = 64;
		sync_client_close(&b);
	} else if (r == 0) {
		if (learned(prof, PROFILE_MAX_CLIENT_ID, "probe: a 64-character client id was refused (0x%02x)", rc))
			prof->caps.max_client_id = 23;
	}
}

void profile_probe(struct profile *prof, const struct conn_endpoint *ep, const struct engine_opts *o,
		   struct sync_client_finding *find)
{
	struct probe pr = {ep, o, "", 2000 * o->time_scale, find};
	const char *pfx = o->client_prefix ? o->client_prefix : "Ms";
	snprintf(pr.topic, sizeof pr.topic, "%s/%s/probe", o->topic_prefix ? o->topic_prefix : "mqttspec", o->run_prefix);
	char ida[40], idb[40];
	snprintf(ida, sizeof ida, "%s%spr1", pfx, o->run_prefix);
	snprintf(idb, sizeof idb, "%s%spr2", pfx, o->run_prefix);
	for (int i = 0; i < PROFILE_NCAPS; i++)
		if (strncmp(prof->source[i], "declared", 8) != 0)
			snprintf(prof->source[i], sizeof prof->source[i], "probe: no answer");
	struct sync_client a;
	int rc;
	if (connect_as(&pr, &a, ida, &rc) != 1)
		return;
	probe_grants(&pr, prof, &a);
	probe_retained(&pr, prof, &a, idb);
	sync_client_close(&a);
	probe_client_id(&pr, prof, pfx);
}

void profile_set_transport(struct profile *p, const struct conn_endpoint *eps, size_t n)
{
	size_t nws = 0;
	for (size_t i = 0; i < n; i++)
		nws += eps[i].ws != 0;
	p->caps.ws = n > 0 && nws == n;
	if (n == 1)
		snprintf(p->transport, sizeof p->transport, "the broker is %s", eps[0].url);
	else
		snprintf(p->transport, sizeof p->transport, "only %zu of the %zu --broker endpoints are WebSocket", nws, n);
}
