/*
 * fault_proxy_session.c - faults of what outlives a packet: sessions, Wills,
 * retained messages, overlapping subscriptions, and the recommendations
 * (SHOULDs) of the spec, whose checks WARN. Each one makes a claimed clause
 * that no other fault breaks visible (tests/faults/NAME.txt pins it).
 *
 * State that outlives a connection is kept in small tables here, keyed by
 * client id or topic (one proxy serves one run).
 */
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_topic.h"
#include "tests/tools/fault_proxy.h"

#define IDS 128		    /* client ids remembered (a ring) */
#define QUEUED 8	    /* messages kept for a discarded session */
#define LATE_ACK_MS 500.0   /* a PUBACK this late "ends" the session */
#define WILL_DELAY_MS 1600.0 /* past will-published-promptly's second + tolerance */
#define RETAIN_LIFE_MS 800.0 /* retained messages "expire" after this */

static unsigned qos_of(const struct mqtt_packet *p)
{
	return (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
}

static struct mqtt_slice str_slice(const char *s)
{
	return (struct mqtt_slice){(const uint8_t *)s, strlen(s)};
}

static bool slice_eq(struct mqtt_slice a, const char *b)
{
	return a.n == strlen(b) && memcmp(a.p, b, a.n) == 0;
}


/* The live, accepted connections of client id `id` other than `except`. */
static void for_each_with_id(struct fp_proxy *px, const char *id, const struct fp_conn *except,
			     void (*fn)(struct fp_conn *o, void *arg), void *arg)
{
	for (size_t i = 0; i < fp_conn_count(px); i++) {
		struct fp_conn *o = fp_conn_at(px, i);
		if (o != except && !o->spare && o->accepted && strcmp(o->client_id, id) == 0)
			fn(o, arg);
	}
}

/* ---- per client id: an old Will, a stored session ---- */

struct queued {
	char topic[FP_TOPIC_CAP];
	uint8_t payload[FP_TOPIC_CAP];
	size_t n;
};

static struct ident {
	char id[64];
	char will_topic[FP_TOPIC_CAP]; /* the last Will a connection of this id had */
	uint8_t will_msg[FP_TOPIC_CAP];
	size_t will_len;
	struct fp_sub subs[FP_SUBS]; /* the last CleanSession 0 connection's filters */
	size_t nsubs;
	bool revived; /* a CleanSession 1 CONNECT should have discarded them */
	struct queued q[QUEUED];
	size_t nq;
} idents[IDS];
static size_t nidents;

static struct ident *ident_of(const char *id, bool make)
{
	size_t n = nidents < IDS ? nidents : IDS;
	for (size_t i = 0; i < n; i++)
		if (strcmp(idents[i].id, id) == 0)
			return &idents[i];
	if (!make || !id[0])
		return NULL;
	struct ident *e = &idents[nidents++ % IDS];
	memset(e, 0, sizeof *e);
	strcpy(e->id, id);
	return e;
}

/* will-stale: a connection without a Will that drops unexpectedly still
 * publishes the Will an earlier connection of its client id had. */
static void will_stale_closed(struct fp_conn *c)
{
	if (!c->accepted)
		return;
	if (c->connect_flags & MQTT_CF_WILL) {
		struct ident *e = ident_of(c->client_id, true);
		if (e && c->will_topic[0]) {
			strcpy(e->will_topic, c->will_topic);
			memcpy(e->will_msg, c->will_msg, c->will_msg_len);
			e->will_len = c->will_msg_len;
		}
		return;
	}
	struct ident *e = ident_of(c->client_id, false);
	if (!e || !e->will_topic[0] || c->disconnect_sent)
		return;
	struct mqtt_slice t = str_slice(e->will_topic);
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o != c && !o->spare && fp_subscribed(o, t))
			fp_publish_to(o, t, (struct mqtt_slice){e->will_msg, e->will_len}, false);
	}
}

/* clean-session-kept: CleanSession 1 does not discard a stored session.
 * The filters of a client id's last CleanSession 0 connection are kept;
 * once a CleanSession 1 CONNECT of that id should have discarded them,
 * messages matching them still reach the id's later connections (where
 * the broker's own subscriptions do not), and what was published while
 * no connection was there comes with the next CONNACK. */
static bool ident_match(const struct ident *e, struct mqtt_slice t)
{
	for (size_t j = 0; j < e->nsubs; j++)
		if (mqtt_topic_match((const uint8_t *)e->subs[j].filter, strlen(e->subs[j].filter), t.p, t.n))
			return true;
	return false;
}

static void clean_closed(struct fp_conn *c)
{
	if (!c->accepted || (c->connect_flags & MQTT_CF_CLEAN_SESSION))
		return;
	struct ident *e = ident_of(c->client_id, true);
	if (!e)
		return;
	e->nsubs = 0;
	for (size_t j = 0; j < c->nsubs; j++)
		if (c->subs[j].active)
			e->subs[e->nsubs++] = c->subs[j];
}

struct delivery {
	const struct mqtt_packet *p;
	bool deliver; /* the session should be gone: the fault delivers */
	bool live;    /* some connection of the id is there */
};

static void deliver_stale(struct fp_conn *o, void *arg)
{
	struct delivery *d = arg;
	if (o->disconnect_sent)
		return;
	if (d->deliver && !fp_subscribed(o, d->p->topic.s))
		fp_publish_to(o, d->p->topic.s, d->p->payload, false);
	d->live = true;
}

static void clean_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	struct ident *e;
	if (p->type == MQTT_CONNECT && (p->connect_flags & MQTT_CF_CLEAN_SESSION) &&
	    (e = ident_of(c->client_id, false)) && e->nsubs)
		e->revived = true;
	if (p->type != MQTT_PUBLISH || p->topic.s.n >= FP_TOPIC_CAP || p->payload.n > FP_TOPIC_CAP)
		return;
	size_t n = nidents < IDS ? nidents : IDS;
	for (size_t i = 0; i < n; i++) {
		e = &idents[i];
		if (!e->nsubs || !ident_match(e, p->topic.s) || strcmp(e->id, c->client_id) == 0)
			continue;
		struct delivery d = {p, e->revived, false};
		for_each_with_id(c->px, e->id, NULL, deliver_stale, &d);
		if (!d.live && e->nq < QUEUED) { /* nobody of that id is there: keep it */
			struct queued *q = &e->q[e->nq++];
			memcpy(q->topic, p->topic.s.p, p->topic.s.n);
			q->topic[p->topic.s.n] = 0;
			memcpy(q->payload, p->payload.p, p->payload.n);
			q->n = p->payload.n;
		}
	}
}

static void clean_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	struct ident *e = ident_of(c->client_id, false);
	if (k->p.type != MQTT_CONNACK || k->p.return_code != 0 || !e)
		return;
	for (size_t i = 0; e->revived && i < e->nq; i++)
		fp_publish_to(c, str_slice(e->q[i].topic), (struct mqtt_slice){e->q[i].payload, e->q[i].n}, false);
	if (e->revived)
		e->nq = 0;
}

/* ---- late-ack-ends-session: a PUBACK that comes LATE_ACK_MS after its
 * PUBLISH "loses" the session: nothing more is delivered on it ---- */

static struct {
	unsigned conn;
	uint16_t id;
	double at;
	bool lost;
} acks[512];

static void late_ack_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	unsigned i = c->id % 512;
	if (acks[i].conn != c->id)
		acks[i].conn = c->id, acks[i].id = 0, acks[i].lost = false;
	if (k->p.type == MQTT_PUBLISH && acks[i].lost)
		return;
	if (k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 1) {
		acks[i].id = k->p.packet_id;
		acks[i].at = fp_now_ms();
	}
	fp_forward(c, k);
}

static void late_ack_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	unsigned i = c->id % 512;
	if (p->type == MQTT_PUBACK && acks[i].conn == c->id && acks[i].id == p->packet_id &&
	    fp_now_ms() - acks[i].at > LATE_ACK_MS)
		acks[i].lost = true;
}

/* ---- retained messages ---- */

/* retain-empty-kept: a retained PUBLISH with no payload is stored like any
 * other, so later subscribers get an empty retained message. */
#define EMPTIES 64
static char empties[EMPTIES][FP_TOPIC_CAP];
static size_t nempties;

static void empty_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	(void)c;
	if (p->type == MQTT_PUBLISH && (p->flags & MQTT_PF_RETAIN) && p->payload.n == 0 &&
	    p->topic.s.n < FP_TOPIC_CAP && !memchr(p->topic.s.p, 0, p->topic.s.n)) {
		char *t = empties[nempties++ % EMPTIES];
		memcpy(t, p->topic.s.p, p->topic.s.n);
		t[p->topic.s.n] = 0;
	}
}

static void empty_on_suback(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	size_t n = nempties < EMPTIES ? nempties : EMPTIES;
	for (size_t i = 0; k->p.type == MQTT_SUBACK && i < n; i++)
		for (size_t j = 0; j < c->nsubs; j++)
			if (c->subs[j].active && c->subs[j].seq == c->subscribes &&
			    mqtt_topic_match((const uint8_t *)c->subs[j].filter, strlen(c->subs[j].filter),
					     (const uint8_t *)empties[i], strlen(empties[i]))) {
				fp_publish_to(c, str_slice(empties[i]), (struct mqtt_slice){NULL, 0}, true);
				break;
			}
}

/* retain-expire: a retained message set more than RETAIN_LIFE_MS ago is no
 * longer handed to new subscribers (the spec recommends keeping it). */
static struct {
	char topic[FP_TOPIC_CAP];
	double at;
} setat[EMPTIES];
static size_t nsetat;

static void expire_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	(void)c;
	if (p->type != MQTT_PUBLISH || !(p->flags & MQTT_PF_RETAIN) || p->topic.s.n >= FP_TOPIC_CAP)
		return;
	size_t i = nsetat++ % EMPTIES;
	memcpy(setat[i].topic, p->topic.s.p, p->topic.s.n);
	setat[i].topic[p->topic.s.n] = 0;
	setat[i].at = fp_now_ms();
}

static void expire_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	size_t n = nsetat < EMPTIES ? nsetat : EMPTIES;
	double at = -1;
	for (size_t i = 0; k->p.type == MQTT_PUBLISH && (k->p.flags & MQTT_PF_RETAIN) && i < n; i++)
		if (slice_eq(k->p.topic.s, setat[i].topic) && setat[i].at > at)
			at = setat[i].at;
	if (at < 0 || fp_now_ms() - at <= RETAIN_LIFE_MS)
		fp_forward(c, k);
}

/* ---- overlapping subscriptions ---- */

static size_t matching_subs(const struct fp_conn *c, struct mqtt_slice t)
{
	size_t n = 0;
	for (size_t j = 0; j < c->nsubs; j++)
		if (c->subs[j].active &&
		    mqtt_topic_match((const uint8_t *)c->subs[j].filter, strlen(c->subs[j].filter), t.p, t.n))
			n++;
	return n;
}

/* overlap-qos-low: a message matching several subscriptions of the client
 * comes at QoS 0, below the highest of their grants. */
static void overlap_low(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBLISH || qos_of(&k->p) == 0 || matching_subs(c, k->p.topic.s) < 2) {
		fp_forward(c, k);
		return;
	}
	k->p.flags &= (uint8_t)~(MQTT_PF_DUP | 3u << MQTT_PF_QOS_SHIFT);
	k->p.has_packet_id = false;
	fp_send(c, &k->p);
}

/* overlap-triple: three copies where two subscriptions match. */
static void overlap_triple(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (k->p.type == MQTT_PUBLISH && matching_subs(c, k->p.topic.s) >= 2) {
		fp_forward(c, k);
		fp_forward(c, k);
	}
}

/* overlap-one-copy: a message matching several subscriptions comes once:
 * the copies after the first (the same topic and payload, straight after
 * it on the connection) are dropped, so the one copy left carries only the
 * first subscription's Subscription Identifier and QoS. c->n holds the last
 * such message's hash. */
static void overlap_one(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBLISH || matching_subs(c, k->p.topic.s) < 2) {
		fp_forward(c, k);
		return;
	}
	unsigned h = 2166136261u;
	for (size_t i = 0; i < k->p.topic.s.n; i++)
		h = (h ^ k->p.topic.s.p[i]) * 16777619u;
	for (size_t i = 0; i < k->p.payload.n; i++)
		h = (h ^ k->p.payload.p[i]) * 16777619u;
	h |= 1;
	if (h != c->n)
		fp_forward(c, k);
	c->n = h;
}

/* drop-pubrel-again: a PUBREL for a client id and packet id that already had
 * one forwarded (the one re-sent when the session resumes) is dropped. */
static struct {
	char client_id[64];
	uint16_t pid;
} pubrels[256];
static size_t npubrels;

static void pubrel_again(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBREL) {
		fp_forward(c, k);
		return;
	}
	size_t n = npubrels < 256 ? npubrels : 256;
	for (size_t i = 0; i < n; i++)
		if (pubrels[i].pid == k->p.packet_id && strcmp(pubrels[i].client_id, c->client_id) == 0)
			return;
	size_t j = npubrels++ % 256;
	snprintf(pubrels[j].client_id, sizeof pubrels[j].client_id, "%s", c->client_id);
	pubrels[j].pid = k->p.packet_id;
	fp_forward(c, k);
}

/* ---- topic names the broker must not pass on ---- */

/* nul-topic-forwarded: a client's PUBLISH whose topic holds U+0000 (which
 * the broker drops, closing the publisher) reaches matching subscribers. */
static void nul_forward(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (p->type != MQTT_PUBLISH || !memchr(p->topic.s.p, 0, p->topic.s.n))
		return;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o != c && !o->spare && fp_subscribed(o, p->topic.s))
			fp_publish_to(o, p->topic.s, p->payload, false);
	}
}

/* ---- session-crossed: one client id's session leaks to another ---- */

#define CROSS_IDS 256
static char subscribers[CROSS_IDS][64]; /* client ids seen subscribing */
static size_t nsubscribers;

static bool ever_subscribed(const char *id)
{
	for (size_t i = 0; i < nsubscribers && i < CROSS_IDS; i++)
		if (strcmp(subscribers[i], id) == 0)
			return true;
	return false;
}

/* Every PUBLISH a client sends also reaches, at QoS 0, each other accepted
 * CleanSession 0 connection whose client id never subscribed to anything:
 * as if the broker kept one session for different client ids. A PUBLISH
 * whose topic name is invalid (a case's protocol error) is no message to
 * leak: copying it would charge the topic rules wherever it landed. */
static void crossed_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (p->type == MQTT_SUBSCRIBE && !ever_subscribed(c->client_id))
		memcpy(subscribers[nsubscribers++ % CROSS_IDS], c->client_id, sizeof subscribers[0]);
	if (p->type != MQTT_PUBLISH || mqtt_topic_check_name(MQTT_V311, p->topic.s.p, p->topic.s.n, NULL) != 0)
		return;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o != c && !o->spare && o->accepted && !(o->connect_flags & MQTT_CF_CLEAN_SESSION) &&
		    strcmp(o->client_id, c->client_id) != 0 && !ever_subscribed(o->client_id))
			fp_publish_to(o, p->topic.s, p->payload, false);
	}
}

/* ---- recommendations (SHOULD) ---- */

/* will-late: Will deliveries held back WILL_DELAY_MS. */
static void will_late(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type == MQTT_PUBLISH && fp_is_will_topic(c->px, k->p.topic.s))
		fp_hold(c, k, WILL_DELAY_MS);
	else
		fp_forward(c, k);
}

/* auth-silent-close: a CONNECT with a user name is refused by a close, no
 * CONNACK said why. */
static void auth_silent(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type == MQTT_CONNACK && (c->connect_flags & MQTT_CF_USERNAME))
		fp_close(c);
	else
		fp_forward(c, k);
}

/* subscribe-wildcards-refused: every filter with '+' or '#' is refused
 * (0x80), and deliveries only count subscriptions without wildcards. The
 * SUBSCRIBEs' filters are remembered by packet id. */
static struct {
	unsigned conn;
	uint16_t pid;
	uint32_t wild; /* bit i: entry i has a wildcard */
} subreq[512];

static bool wild(const char *f)
{
	return strpbrk(f, "+#") != NULL;
}

static void wild_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (p->type != MQTT_SUBSCRIBE)
		return;
	unsigned i = c->id % 512;
	subreq[i].conn = c->id;
	subreq[i].pid = p->packet_id;
	subreq[i].wild = 0;
	for (size_t j = 0; j < p->entry_count && j < 32; j++) {
		struct mqtt_slice f = p->entries[j].filter.s;
		if (memchr(f.p, '+', f.n) || memchr(f.p, '#', f.n))
			subreq[i].wild |= 1u << j;
	}
}

/* Does `t` match a wildcard filter this connection subscribed to, and no
 * filter without one? (A resumed session's own subscriptions are unknown
 * here, so its deliveries pass.) */
static bool only_refused(const struct fp_conn *c, struct mqtt_slice t)
{
	bool refused = false;
	for (size_t j = 0; j < c->nsubs; j++) {
		const char *f = c->subs[j].filter;
		if (!c->subs[j].active || !mqtt_topic_match((const uint8_t *)f, strlen(f), t.p, t.n))
			continue;
		if (!wild(f))
			return false;
		refused = true;
	}
	return refused;
}

static void wild_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	unsigned i = c->id % 512;
	if (k->p.type == MQTT_SUBACK && subreq[i].conn == c->id && subreq[i].pid == k->p.packet_id &&
	    subreq[i].wild) {
		for (size_t j = 0; j < k->p.code_count && j < 32; j++)
			if (subreq[i].wild & 1u << j)
				k->p.codes[j] = 0x80;
		fp_send(c, &k->p);
		return;
	}
	if (k->p.type == MQTT_PUBLISH && only_refused(c, k->p.topic.s))
		return;
	fp_forward(c, k);
}

/* ---- a refused PUBLISH neither acknowledged nor closed (MQTT-3.3.5-2) ---- */

#define REFUSE_SLOTS 512
static struct {
	unsigned conn;
	uint16_t pid[8]; /* QoS 1/2 PUBLISHes of this connection on '$' topics */
	size_t n;
} refused[REFUSE_SLOTS];

static void refuse_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	unsigned i = c->id % REFUSE_SLOTS;
	if (refused[i].conn != c->id) {
		memset(&refused[i], 0, sizeof refused[i]);
		refused[i].conn = c->id;
	}
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	if (p->type == MQTT_PUBLISH && qos && p->topic.s.n && p->topic.s.p[0] == '$')
		refused[i].pid[refused[i].n++ % 8] = p->packet_id;
}

/* The broker's PUBACK or PUBREC of such a PUBLISH never reaches the client,
 * and the connection stays open: the PUBLISH is neither answered nor refused
 * by closing. */
static void refuse_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	unsigned i = c->id % REFUSE_SLOTS;
	if ((k->p.type == MQTT_PUBACK || k->p.type == MQTT_PUBREC) && refused[i].conn == c->id)
		for (size_t j = 0; j < refused[i].n && j < 8; j++)
			if (refused[i].pid[j] == k->p.packet_id)
				return;
	fp_forward(c, k);
}

const struct fp_fault fp_session_faults[] = {
	{"will-stale", "a connection without a Will publishes the Will of its client id's earlier one", NULL, NULL,
	 will_stale_closed, 0},
	{"clean-session-kept", "CleanSession 1 keeps the stored session's subscriptions and queue", clean_to_client,
	 clean_from_client, clean_closed, 0},
	{"late-ack-ends-session", "after a PUBACK later than 500 ms, nothing more is delivered on the connection",
	 late_ack_to_client, late_ack_from_client, NULL, 0},
	{"retain-empty-kept", "an empty retained PUBLISH is stored: new subscribers get it", empty_on_suback,
	 empty_seen, NULL, 0},
	{"retain-expire", "retained messages older than 800 ms are not sent to new subscribers", expire_to_client,
	 expire_seen, NULL, 0},
	{"overlap-qos-low", "a message matching several subscriptions comes at QoS 0", overlap_low, NULL, NULL, 0},
	{"overlap-triple", "a message matching several subscriptions comes three times", overlap_triple, NULL, NULL,
	 0},
	{"overlap-one-copy", "a message matching several subscriptions comes once, as its first copy", overlap_one,
	 NULL, NULL, 0},
	{"drop-pubrel-again", "a PUBREL re-sent for a packet id that already had one is dropped", pubrel_again, NULL,
	 NULL, 0},
	{"nul-topic-forwarded", "a PUBLISH whose topic holds U+0000 reaches matching subscribers", NULL, nul_forward,
	 NULL, 0},
	{"will-late", "Will deliveries held back 1.6 s", will_late, NULL, NULL, 0},
	{"auth-silent-close", "a CONNECT with a user name: no CONNACK, the connection closed", auth_silent, NULL, NULL,
	 0},
	{"subscribe-wildcards-refused", "filters with '+' or '#' refused (0x80)", wild_to_client, wild_from_client,
	 NULL, 0},
	{"keep-open-after-disconnect", "a client that sent DISCONNECT is never closed by the proxy", NULL, NULL, NULL,
	 FP_KEEP_OPEN_DISCONNECTED},
	{"session-crossed", "PUBLISHes also reach CleanSession 0 connections of client ids that never subscribed",
	 NULL, crossed_from_client, NULL, 0},
	{"dollar-publish-unanswered", "QoS 1/2 PUBLISHes on '$' topics get no PUBACK/PUBREC, and no close",
	 refuse_to_client, refuse_from_client, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
