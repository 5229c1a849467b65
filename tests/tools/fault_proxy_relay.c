/*
 * fault_proxy_relay.c - the byte streams of one connection as packets:
 * client->broker bytes are watched (never changed), broker->client bytes
 * are cut into packets for the fault; and the calls faults may make
 * (fault_proxy.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_prop.h"
#include "codec/mqtt_topic.h"
#include "tests/tools/fault_proxy_int.h"
#include "util/clock.h"

/* The faults' clock is the harness's (fault_proxy.h keeps the name for them). */
double fp_now_ms(void)
{
	return clock_ms();
}

void fp_log(const struct fp_proxy *px, const char *fmt, ...)
{
	if (!px->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "fault-proxy: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- what faults may call (fault_proxy.h) ---- */

void fp_send_bytes(struct fp_conn *c, const void *b, size_t n)
{
	struct pair *pr = (struct pair *)c;
	/* Room was reserved before the fault ran; failing here is a fault
	 * sending more than it may, so say so instead of corrupting the stream. */
	if (fp_append(&pr->cout, b, n) < 0)
		fprintf(stderr, "fault-proxy: conn %u: output full, %zu bytes dropped\n", c->id, n);
}

void fp_forward(struct fp_conn *c, const struct fp_pkt *k)
{
	fp_send_bytes(c, k->raw, k->len);
}

static int encode(enum mqtt_version v, const struct mqtt_packet *p, uint8_t *out, size_t cap)
{
	struct mqtt_packet q = *p;
	q.rl_override = false;
	q.rl_bytes = 0; /* a fault may have made the packet longer */
	/* A packet a fault made from scratch (a delivery the broker never
	 * made) is malformed only where the fault means it to be. */
	if (v == MQTT_V5 && mqtt_props_required(q.type))
		q.props.present = true;
	return mqtt_encode(v, &q, out, cap);
}

void fp_send(struct fp_conn *c, const struct mqtt_packet *p)
{
	struct pair *pr = (struct pair *)c;
	int n = encode(c->version, p, pr->cout.d + pr->cout.len, fp_room(&pr->cout));
	if (n < 0)
		fprintf(stderr, "fault-proxy: conn %u: cannot encode %s\n", c->id, mqtt_type_name(p->type));
	else
		pr->cout.len += (size_t)n;
}

void fp_send_exact(struct fp_conn *c, const struct mqtt_packet *p)
{
	struct pair *pr = (struct pair *)c;
	struct mqtt_packet q = *p;
	q.rl_override = false;
	int n = mqtt_encode(c->version, &q, pr->cout.d + pr->cout.len, fp_room(&pr->cout));
	if (n < 0)
		fprintf(stderr, "fault-proxy: conn %u: cannot encode %s\n", c->id, mqtt_type_name(p->type));
	else
		pr->cout.len += (size_t)n;
}

void fp_send_if(struct fp_conn *c, struct fp_pkt *k, bool changed)
{
	if (changed)
		fp_send(c, &k->p);
	else
		fp_forward(c, k);
}

bool fp_v5(const struct fp_conn *c)
{
	return c->version == MQTT_V5;
}

void fp_send_to(struct fp_conn *to, const struct mqtt_packet *p)
{
	uint8_t tmp[FP_HOLD_CAP];
	struct pair *pr = (struct pair *)to;
	int n = encode(to->version, p, tmp, sizeof tmp);
	if (n > 0 && !pr->c_eof && !pr->u_raw && !pr->u_stream)
		fp_send_bytes(to, tmp, (size_t)n);
}

void fp_publish_to(struct fp_conn *to, struct mqtt_slice topic, struct mqtt_slice payload, bool retain)
{
	struct mqtt_packet w;
	mqtt_packet_init(&w, MQTT_PUBLISH);
	w.flags = retain ? MQTT_PF_RETAIN : 0;
	w.topic.present = true;
	w.topic.s = topic;
	w.payload = payload;
	fp_send_to(to, &w);
}

void fp_release(struct fp_conn *c)
{
	struct pair *pr = (struct pair *)c;
	if (pr->held_len) {
		fp_send_bytes(c, pr->held, pr->held_len);
		pr->held_len = 0;
	}
}

bool fp_holding(const struct fp_conn *c)
{
	return ((const struct pair *)c)->held_len > 0;
}

void fp_hold(struct fp_conn *c, const struct fp_pkt *k, double ms)
{
	struct pair *pr = (struct pair *)c;
	fp_release(c);
	if (k->len > sizeof pr->held) {
		fp_forward(c, k);
		return;
	}
	memcpy(pr->held, k->raw, k->len);
	pr->held_len = k->len;
	pr->held_until = fp_now_ms() + ms;
}

void fp_close(struct fp_conn *c)
{
	struct pair *pr = (struct pair *)c;
	pr->c_eof = true;
	pr->cout.len = 0;
}

bool fp_client_gone(const struct fp_conn *c)
{
	return ((const struct pair *)c)->c_eof;
}

void fp_close_after(struct fp_conn *c, double ms)
{
	((struct pair *)c)->close_deadline = ms > 0 ? fp_now_ms() + ms : 0;
}

size_t fp_conn_count(const struct fp_proxy *px)
{
	return px->npairs;
}

struct fp_conn *fp_conn_at(struct fp_proxy *px, size_t i)
{
	return &px->pairs[i]->pub;
}

bool fp_is_will_topic(const struct fp_proxy *px, struct mqtt_slice t)
{
	size_t n = px->nwills < FP_WILLS ? px->nwills : FP_WILLS;
	for (size_t i = 0; i < n; i++)
		if (strlen(px->wills[i]) == t.n && memcmp(px->wills[i], t.p, t.n) == 0)
			return true;
	return false;
}

/* ---- client -> broker: watched, never changed ---- */

/* Copy a slice into a C string; false (and "") if it does not fit. */
static bool copy_str(char *dst, size_t cap, struct mqtt_slice s)
{
	if (s.n >= cap) {
		dst[0] = 0;
		return false;
	}
	memcpy(dst, s.p, s.n);
	dst[s.n] = 0;
	return true;
}

static void track_connect(struct pair *pr, const struct mqtt_packet *p)
{
	struct fp_conn *c = &pr->pub;
	struct fp_proxy *px = c->px;
	c->connect_seen = true;
	c->connect_flags = p->connect_flags;
	copy_str(c->client_id, sizeof c->client_id, p->client_id.s);
	/* mqttspec's pre-flight ids are "Ms" + 6 characters + "pre", and a
	 * version's digit after it ("pre5"); a case's ids differ at byte 8
	 * ("Ms" + prefix + case number in base 36 + client name). */
	size_t n = strlen(c->client_id);
	c->spare = (n == 11 || n == 12) && memcmp(c->client_id, "Ms", 2) == 0 &&
		   memcmp(c->client_id + 8, "pre", 3) == 0;
	if ((p->connect_flags & MQTT_CF_WILL) && p->will_topic.present &&
	    copy_str(c->will_topic, sizeof c->will_topic, p->will_topic.s)) {
		memcpy(px->wills[px->nwills++ % FP_WILLS], c->will_topic, sizeof c->will_topic);
		c->will_msg_len = p->will_message.s.n < sizeof c->will_msg ? p->will_message.s.n : 0;
		memcpy(c->will_msg, p->will_message.s.p, c->will_msg_len);
	}
	fp_log(px, "conn %u: CONNECT id=\"%s\"%s", c->id, c->client_id, c->spare ? " (pre-flight: spared)" : "");
}

/* SUBSCRIBE adds or re-arms filters; UNSUBSCRIBE marks them removed (faults
 * that ignore an UNSUBSCRIBE need to know what it removed). */
static void track_subs(struct fp_conn *c, const struct mqtt_packet *p)
{
	bool sub = p->type == MQTT_SUBSCRIBE;
	if (sub)
		c->subscribes++;
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		char f[FP_TOPIC_CAP];
		if (!copy_str(f, sizeof f, p->entries[i].filter.s))
			continue;
		size_t j = 0;
		while (j < c->nsubs && strcmp(c->subs[j].filter, f) != 0)
			j++;
		if (sub && j == c->nsubs && c->nsubs < FP_SUBS)
			memcpy(c->subs[c->nsubs++].filter, f, sizeof f);
		if (j == c->nsubs)
			continue;
		c->subs[j].active = sub;
		if (sub) {
			c->subs[j].seq = c->subscribes;
			c->subs[j].options = p->entries[i].qos;
		}
	}
}

bool fp_subscribed(const struct fp_conn *c, struct mqtt_slice t)
{
	for (size_t j = 0; j < c->nsubs; j++)
		if (c->subs[j].active &&
		    mqtt_topic_match((const uint8_t *)c->subs[j].filter, strlen(c->subs[j].filter), t.p, t.n))
			return true;
	return false;
}

/* The Protocol Level of a CONNECT (whole, n bytes), before decoding it:
 * the version decides how it, and all that follows, decodes. 3.1.1 for
 * any level but 5's (the broker judges those). */
static enum mqtt_version connect_version(const uint8_t *b, size_t n)
{
	struct mqtt_frame f;
	if (mqtt_frame_next(MQTT_V311, b, n, &f, NULL) != 1 || f.header_len + 2 > n)
		return MQTT_V311;
	size_t at = f.header_len + 2 + ((size_t)b[f.header_len] << 8 | b[f.header_len + 1]);
	return at < n && b[at] == mqtt_version_level(MQTT_V5) ? MQTT_V5 : MQTT_V311;
}

static void seen_from_client(struct pair *pr, const uint8_t *b, size_t n)
{
	struct fp_conn *c = &pr->pub;
	if (!c->connect_seen && b[0] >> 4 == MQTT_CONNECT)
		c->version = connect_version(b, n);
	struct mqtt_packet p;
	if (mqtt_decode(c->version, b, n, &p, NULL) != (int)n)
		return;
	if (p.type == MQTT_CONNECT && !c->connect_seen)
		track_connect(pr, &p);
	else if (p.type == MQTT_SUBSCRIBE || p.type == MQTT_UNSUBSCRIBE)
		track_subs(c, &p);
	else if (p.type == MQTT_DISCONNECT)
		c->disconnect_sent = true;
	const struct fp_fault *f = c->px->fault;
	if (f->from_client && !c->spare)
		f->from_client(c, &p);
}

void fp_watch(struct pair *pr, const uint8_t *b, size_t n)
{
	struct buf *w = &pr->watch;
	while (n && !pr->watch_off) {
		if (pr->watch_skip) {
			size_t k = n < pr->watch_skip ? n : pr->watch_skip;
			pr->watch_skip -= k, b += k, n -= k;
			continue;
		}
		size_t k = n < fp_room(w) ? n : fp_room(w);
		fp_append(w, b, k);
		b += k, n -= k;
		size_t off = 0;
		for (;;) {
			struct mqtt_frame f;
			int r = mqtt_frame_next(MQTT_V311, w->d + off, w->len - off, &f, NULL);
			if (r < 0) {
				pr->watch_off = true; /* the broker will deal with it */
				break;
			}
			if (r == 0) {
				if (f.header_len && f.total_len > w->cap) {
					pr->watch_skip = f.total_len - (w->len - off);
					off = w->len;
				}
				break;
			}
			seen_from_client(pr, w->d + off, f.total_len);
			off += f.total_len;
		}
		fp_consume(w, off);
	}
}

/* ---- broker -> client: cut into packets, shown to the fault ---- */

static void deliver(struct pair *pr, const uint8_t *b, size_t n)
{
	struct fp_conn *c = &pr->pub;
	const struct fp_fault *f = c->px->fault;
	static struct fp_pkt k; /* large; one at a time */
	k.raw = b;
	k.len = n;
	struct mqtt_frame fr; /* the return (3.1.1) or reason (5.0) code follows the flags */
	if (b[0] >> 4 == MQTT_CONNACK && mqtt_frame_next(MQTT_V311, b, n, &fr, NULL) == 1 &&
	    fr.header_len + 2 <= n && b[fr.header_len + 1] == 0)
		c->accepted = true;
	if (c->spare || !f->to_client || mqtt_decode(c->version, b, n, &k.p, NULL) != (int)n) {
		fp_send_bytes(c, b, n);
		return;
	}
	if (c->px->verbose) {
		char line[200];
		mqtt_print(&k.p, line, sizeof line);
		fp_log(c->px, "conn %u %s: broker sent %s", c->id, c->client_id, line);
	}
	f->to_client(c, &k);
}

void fp_u2c_process(struct pair *pr)
{
	struct buf *in = &pr->uin;
	size_t off = 0;
	while (off < in->len && !pr->c_eof) {
		size_t avail = in->len - off, space = fp_room(&pr->cout);
		if (pr->u_raw || pr->u_stream) {
			size_t k = avail < space ? avail : space;
			if (pr->u_stream && k > pr->u_stream)
				k = pr->u_stream;
			if (!k)
				break;
			fp_append(&pr->cout, in->d + off, k);
			off += k;
			if (pr->u_stream)
				pr->u_stream -= k;
			continue;
		}
		struct mqtt_frame f;
		int r = mqtt_frame_next(MQTT_V311, in->d + off, avail, &f, NULL);
		if (r < 0 || (r == 0 && pr->u_eof)) {
			pr->u_raw = true; /* malformed or cut short: pass it on as is */
			continue;
		}
		if (r == 0) {
			if (f.header_len && f.total_len > in->cap)
				pr->u_stream = f.total_len; /* too big to fault: stream it */
			else
				break;
			continue;
		}
		if (space < 2 * f.total_len + 64)
			break; /* see fp_forward: a fault may double a packet */
		deliver(pr, in->d + off, f.total_len);
		off += f.total_len;
	}
	fp_consume(in, off);
}
