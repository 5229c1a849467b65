/*
 * fault_proxy_inject.c - faults that deliver what a conformant broker never
 * would: a message to a subscriber whose filter does not match it (a sloppy
 * matcher), to a client that unsubscribed, from a client the broker
 * refused; a retained message that was deleted or replaced; a Will that had
 * to be discarded. The proxy makes these deliveries itself, as QoS 0
 * PUBLISHes, from what it watched the clients send; the broker's own
 * traffic passes unchanged. Only "nothing arrives" checks can see them, so
 * each fault breaks few, precise clauses.
 */
#include <ctype.h>
#include <string.h>

#include "codec/mqtt_topic.h"
#include "tests/tools/fault_proxy.h"

#define GHOSTS 128 /* retained messages remembered */

static void publish_to(struct fp_conn *to, const char *topic, const uint8_t *payload, size_t n, bool retain)
{
	fp_publish_to(to, (struct mqtt_slice){(const uint8_t *)topic, strlen(topic)}, (struct mqtt_slice){payload, n},
		      retain);
}

/* The topic of a client's PUBLISH as a C string; false if none fits. */
static bool topic_of(const struct mqtt_packet *p, char *t)
{
	if (p->type != MQTT_PUBLISH || p->topic.s.n >= FP_TOPIC_CAP || memchr(p->topic.s.p, 0, p->topic.s.n))
		return false;
	memcpy(t, p->topic.s.p, p->topic.s.n);
	t[p->topic.s.n] = 0;
	return true;
}

static bool match(const char *f, const char *t)
{
	return mqtt_topic_match((const uint8_t *)f, strlen(f), (const uint8_t *)t, strlen(t));
}

/* ---- a sloppy matcher: the client's PUBLISH also reaches subscribers
 * whose filter matches it only under a wrong rule ---- */

typedef bool sloppy_fn(const char *f, const char *t);

static bool sloppy_case(const char *f, const char *t)
{
	char lf[FP_TOPIC_CAP], lt[FP_TOPIC_CAP];
	size_t i;
	for (i = 0; f[i]; i++)
		lf[i] = (char)tolower((unsigned char)f[i]);
	lf[i] = 0;
	for (i = 0; t[i]; i++)
		lt[i] = (char)tolower((unsigned char)t[i]);
	lt[i] = 0;
	return match(lf, lt);
}

/* Filter f against topic t, level by level, where '+' stands for any
 * number of levels (none included) instead of exactly one. */
static bool plus_any(const char *f, const char *t)
{
	const char *fe = strchr(f, '/'), *te = strchr(t, '/');
	size_t fl = fe ? (size_t)(fe - f) : strlen(f);
	if (fl == 1 && (*f == '#' || (*f == '+' && !fe)))
		return true; /* the rest of t, whatever it is */
	if (fl == 1 && *f == '+') {
		if (plus_any(fe + 1, t)) /* '+' takes no level */
			return true;
		for (const char *u = te; u; u = strchr(u + 1, '/'))
			if (plus_any(fe + 1, u + 1))
				return true;
		return false;
	}
	size_t tl = te ? (size_t)(te - t) : strlen(t);
	if (fl != tl || memcmp(f, t, fl) != 0)
		return false;
	if (!te) /* t ends here: so must f, or end in a level that may be empty */
		return !fe || strcmp(fe + 1, "+") == 0 || strcmp(fe + 1, "#") == 0;
	return fe && plus_any(fe + 1, te + 1);
}

static bool sloppy_plus(const char *f, const char *t)
{
	return plus_any(f, t);
}

/* "a/#" taken as the string prefix "a": it also matches "ab". */
static bool sloppy_hash(const char *f, const char *t)
{
	size_t n = strlen(f);
	return n >= 2 && strcmp(f + n - 2, "/#") == 0 && strncmp(f, t, n - 2) == 0;
}

/* Repeated and trailing '/' dropped before matching: "a//b/" is "a/b". */
static void squash(const char *s, char *out)
{
	size_t n = 0;
	for (; *s; s++)
		if (*s != '/' || n == 0 || out[n - 1] != '/')
			out[n++] = *s;
	while (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = 0;
}

static bool sloppy_slashes(const char *f, const char *t)
{
	char sf[FP_TOPIC_CAP], st[FP_TOPIC_CAP];
	squash(f, sf);
	squash(t, st);
	return match(sf, st);
}

/* A filter starting with a wildcard also matches topics starting with '$'. */
static bool sloppy_dollar(const char *f, const char *t)
{
	char u[FP_TOPIC_CAP];
	strcpy(u, t);
	if (u[0] == '$')
		u[0] = '_';
	return match(f, u);
}

/* A topic name holding '+' or '#' is matched as if it were a plain name. */
static bool sloppy_wildcard_name(const char *f, const char *t)
{
	return strpbrk(t, "+#") && match(f, t);
}

static void sloppy_deliver(struct fp_conn *c, const struct mqtt_packet *p, sloppy_fn *rule)
{
	char t[FP_TOPIC_CAP];
	if (!topic_of(p, t))
		return;
	bool valid = mqtt_topic_check_name(MQTT_V311, p->topic.s.p, p->topic.s.n, NULL) == 0;
	if (!valid && rule != sloppy_wildcard_name)
		return; /* each fault breaks one rule: the others take names as they must */
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o->spare || (valid && fp_subscribed(o, p->topic.s)))
			continue; /* the broker delivers it anyway */
		for (size_t j = 0; j < o->nsubs; j++) {
			const char *f = o->subs[j].filter;
			/* The '$' rule is broken by match-dollar alone. */
			bool dollar = t[0] == '$' && (f[0] == '+' || f[0] == '#');
			if (o->subs[j].active && (!dollar || rule == sloppy_dollar) && rule(f, t)) {
				publish_to(o, t, p->payload.p, p->payload.n, false);
				break;
			}
		}
	}
}

static void match_case(struct fp_conn *c, const struct mqtt_packet *p) { sloppy_deliver(c, p, sloppy_case); }
static void match_plus(struct fp_conn *c, const struct mqtt_packet *p) { sloppy_deliver(c, p, sloppy_plus); }
static void match_hash(struct fp_conn *c, const struct mqtt_packet *p) { sloppy_deliver(c, p, sloppy_hash); }
static void match_slashes(struct fp_conn *c, const struct mqtt_packet *p) { sloppy_deliver(c, p, sloppy_slashes); }
static void match_dollar(struct fp_conn *c, const struct mqtt_packet *p) { sloppy_deliver(c, p, sloppy_dollar); }
static void match_wildcard(struct fp_conn *c, const struct mqtt_packet *p) { sloppy_deliver(c, p, sloppy_wildcard_name); }

/* ---- deliveries the broker must not make ---- */

/* A client's PUBLISH still reaches clients that unsubscribed from it. */
static void unsubscribe_ignored(struct fp_conn *c, const struct mqtt_packet *p)
{
	char t[FP_TOPIC_CAP];
	if (!topic_of(p, t))
		return;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o->spare || fp_subscribed(o, p->topic.s))
			continue;
		for (size_t j = 0; j < o->nsubs; j++)
			if (!o->subs[j].active && match(o->subs[j].filter, t)) {
				publish_to(o, t, p->payload.p, p->payload.n, false);
				break;
			}
	}
}

/* A PUBLISH sent before the broker accepted the connection is delivered
 * anyway, whatever the broker then says to the CONNECT. */
static void publish_before_accept(struct fp_conn *c, const struct mqtt_packet *p)
{
	char t[FP_TOPIC_CAP];
	if (c->accepted || !topic_of(p, t))
		return;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o != c && !o->spare && fp_subscribed(o, p->topic.s))
			publish_to(o, t, p->payload.p, p->payload.n, false);
	}
}

/* A CONNECT whose protocol name is not "MQTT" is accepted at once. */
static void accept_bad_protocol(struct fp_conn *c, const struct mqtt_packet *p)
{
	struct mqtt_slice n = p->protocol_name.s;
	if (p->type != MQTT_CONNECT || (n.n == 4 && memcmp(n.p, "MQTT", 4) == 0))
		return;
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_CONNACK);
	fp_send_to(c, &a);
}

/* When a client with a Will disconnects cleanly, publish its Will anyway to
 * every other client subscribed to a matching filter. */
static void will_on_disconnect(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (p->type != MQTT_DISCONNECT || !(c->connect_flags & MQTT_CF_WILL) || !c->will_topic[0])
		return;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		struct mqtt_slice t = {(const uint8_t *)c->will_topic, strlen(c->will_topic)};
		if (o != c && !o->spare && fp_subscribed(o, t))
			publish_to(o, c->will_topic, c->will_msg, c->will_msg_len, false);
	}
}

/* ---- ghosts: retained messages that should be gone ---- */

/* Retained messages as the clients set them (one process, one proxy: a
 * table here is simplest). A ghost is one that was deleted or replaced,
 * or a Will that was never to be retained; on each SUBACK the ghosts
 * matching that SUBSCRIBE's filters are sent as retained messages. */
static struct {
	char topic[FP_TOPIC_CAP];
	uint8_t payload[FP_TOPIC_CAP];
	size_t n;
	bool ghost;
} kept[GHOSTS];
static size_t nkept;

static void keep(const char *topic, const uint8_t *payload, size_t n, bool ghost)
{
	size_t i = nkept++ % GHOSTS;
	strcpy(kept[i].topic, topic);
	memcpy(kept[i].payload, payload, n);
	kept[i].n = n;
	kept[i].ghost = ghost;
}

static void retained_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	char t[FP_TOPIC_CAP];
	(void)c;
	if (!(p->flags & MQTT_PF_RETAIN) || !topic_of(p, t) || p->payload.n > FP_TOPIC_CAP)
		return;
	size_t n = nkept < GHOSTS ? nkept : GHOSTS;
	for (size_t i = 0; i < n; i++)
		if (!kept[i].ghost && strcmp(kept[i].topic, t) == 0)
			kept[i].ghost = true; /* replaced or deleted */
	if (p->payload.n > 0)
		keep(t, p->payload.p, p->payload.n, false);
}

static void will_kept(struct fp_conn *c)
{
	if (c->accepted && (c->connect_flags & MQTT_CF_WILL) && !(c->connect_flags & MQTT_CF_WILL_RETAIN) &&
	    !c->disconnect_sent && c->will_topic[0] && c->will_msg_len > 0)
		keep(c->will_topic, c->will_msg, c->will_msg_len, true);
}

static void ghosts_on_suback(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	size_t n = nkept < GHOSTS ? nkept : GHOSTS;
	for (size_t i = 0; k->p.type == MQTT_SUBACK && i < n; i++)
		for (size_t j = 0; kept[i].ghost && j < c->nsubs; j++)
			if (c->subs[j].active && c->subs[j].seq == c->subscribes &&
			    match(c->subs[j].filter, kept[i].topic)) {
				publish_to(c, kept[i].topic, kept[i].payload, kept[i].n, true);
				break;
			}
}

const struct fp_fault fp_delivery_faults[] = {
	{"match-case", "deliver also where a filter matches ignoring case", NULL, match_case, NULL, 0},
	{"match-plus-levels", "deliver also where '+' matches zero or several levels", NULL, match_plus, NULL, 0},
	{"match-hash-prefix", "deliver also where \"a/#\" matches as string prefix (\"ab\")", NULL, match_hash,
	 NULL, 0},
	{"match-slashes", "deliver also where topics match once '//' and a trailing '/' are dropped", NULL,
	 match_slashes, NULL, 0},
	{"match-dollar", "deliver also '$' topics to filters starting with a wildcard", NULL, match_dollar, NULL, 0},
	{"match-wildcard-name", "deliver PUBLISHes whose topic name holds '+' or '#'", NULL, match_wildcard, NULL, 0},
	{"unsubscribe-ignored", "deliver also to clients that unsubscribed", NULL, unsubscribe_ignored, NULL, 0},
	{"publish-before-accept", "deliver a PUBLISH sent before the CONNECT was accepted", NULL,
	 publish_before_accept, NULL, FP_KEEP_OPEN_REFUSED},
	{"accept-bad-protocol", "answer a CONNECT naming another protocol with CONNACK 0", NULL,
	 accept_bad_protocol, NULL, 0},
	{"will-on-disconnect", "publish a client's Will when it sends DISCONNECT", NULL, will_on_disconnect, NULL, 0},
	{"retained-resurrect", "a new subscription also gets deleted or replaced retained messages",
	 ghosts_on_suback, retained_seen, NULL, 0},
	{"will-retained", "a Will sent with Will Retain 0 is kept as a retained message", ghosts_on_suback, NULL,
	 will_kept, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
