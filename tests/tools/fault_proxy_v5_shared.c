/*
 * fault_proxy_v5_shared.c - faults of 5.0 Shared Subscriptions (4.8.2):
 * a message sent to more than one member of a group, above a member's
 * grant, or sent to another member when the chosen one lost its
 * connection, its session or refused it. Like the other 5.0 faults, each
 * touches only connections whose CONNECT spoke 5.0. Pins: tests/faults/5.0/.
 *
 * A member is a connection with an active subscription to the same
 * "$share/{ShareName}/{filter}" string; a delivery is a shared one when
 * such a subscription of its connection matches its topic. The extra
 * copies a fault makes go out at QoS 0, so no client has to answer them.
 */
#include <string.h>

#include "codec/mqtt_topic.h"
#include "tests/tools/fault_proxy.h"

#define SHARED_SENT 32 /* shared deliveries remembered (a ring) */
#define MSG_CAP 1024   /* the longest topic or payload remembered */
#define QOS_UP_ID 0xfff0 /* the packet id a delivery raised to QoS 1 gets */

static const char share[] = "$share/";

/* The {filter} of a Shared Subscription filter, or NULL if it is not one. */
static const char *filter_part(const char *f)
{
	if (strncmp(f, share, sizeof share - 1) != 0)
		return NULL;
	const char *name = f + sizeof share - 1, *slash = strchr(name, '/');
	return slash && slash > name ? slash + 1 : NULL;
}

/* The shared subscription of c that topic t goes through, or NULL. */
static const struct fp_sub *shared_sub(const struct fp_conn *c, struct mqtt_slice t)
{
	for (size_t i = 0; i < c->nsubs; i++) {
		const char *f = c->subs[i].active ? filter_part(c->subs[i].filter) : NULL;
		if (f && mqtt_topic_match((const uint8_t *)f, strlen(f), t.p, t.n))
			return &c->subs[i];
	}
	return NULL;
}

static bool is_member(const struct fp_conn *o, const char *filter)
{
	for (size_t i = 0; i < o->nsubs; i++)
		if (o->subs[i].active && strcmp(o->subs[i].filter, filter) == 0)
			return true;
	return false;
}

/* Send the message to every member of `filter` but c (the first one only
 * when `all` is false). */
static void to_other_members(struct fp_conn *c, const char *filter, struct mqtt_slice topic, struct mqtt_slice payload,
			     bool all)
{
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o == c || o->spare || !fp_v5(o) || fp_client_gone(o) || !is_member(o, filter))
			continue;
		fp_publish_to(o, topic, payload, false);
		if (!all)
			return;
	}
}

static int qos_of(const struct mqtt_packet *p)
{
	return (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
}

/* ---- v5-shared-copies: every member gets each message ---- */

static void copies_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	const struct fp_sub *s = fp_v5(c) && k->p.type == MQTT_PUBLISH ? shared_sub(c, k->p.topic.s) : NULL;
	if (s)
		to_other_members(c, s->filter, k->p.topic.s, k->p.payload, true);
}

/* ---- v5-shared-qos-up: a member granted QoS 0 gets QoS 1 ---- */

static void qos_up_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	const struct fp_sub *s = fp_v5(c) && k->p.type == MQTT_PUBLISH ? shared_sub(c, k->p.topic.s) : NULL;
	bool hit = s && (s->options & 3) == 0 && qos_of(&k->p) == 0;
	if (hit) {
		k->p.flags = (uint8_t)((k->p.flags & ~(3u << MQTT_PF_QOS_SHIFT)) | (1u << MQTT_PF_QOS_SHIFT));
		k->p.has_packet_id = true;
		k->p.packet_id = QOS_UP_ID;
	}
	fp_send_if(c, k, hit);
}

/* ---- deliveries remembered: which member has which message ---- */

struct shared_sent {
	unsigned conn;        /* the connection it went to; 0: a free slot */
	char client_id[64];
	char filter[FP_TOPIC_CAP];
	uint16_t packet_id;
	int qos;
	bool open;            /* not acknowledged (PUBACK, PUBCOMP) nor refused */
	size_t topic_n, payload_n;
	uint8_t topic[MSG_CAP], payload[MSG_CAP];
};

static struct shared_sent sent[SHARED_SENT];
static unsigned nsent;

/* Remember a shared QoS 1 or 2 delivery to c; false if it is none. */
static bool remember(const struct fp_conn *c, const struct fp_pkt *k)
{
	const struct fp_sub *s = fp_v5(c) && k->p.type == MQTT_PUBLISH && qos_of(&k->p) ? shared_sub(c, k->p.topic.s) : NULL;
	if (!s || k->p.topic.s.n > MSG_CAP || k->p.payload.n > MSG_CAP)
		return false;
	struct shared_sent *m = &sent[nsent++ % SHARED_SENT];
	m->conn = c->id;
	memcpy(m->client_id, c->client_id, sizeof m->client_id);
	memcpy(m->filter, s->filter, sizeof m->filter);
	m->packet_id = k->p.packet_id;
	m->qos = qos_of(&k->p);
	m->open = true;
	m->topic_n = k->p.topic.s.n;
	m->payload_n = k->p.payload.n;
	memcpy(m->topic, k->p.topic.s.p, m->topic_n);
	memcpy(m->payload, k->p.payload.p, m->payload_n);
	return true;
}

static struct shared_sent *sent_find(const struct fp_conn *c, uint16_t pid)
{
	for (unsigned i = 0; i < SHARED_SENT; i++)
		if (sent[i].conn == c->id && sent[i].open && sent[i].packet_id == pid)
			return &sent[i];
	return NULL;
}

static void reroute(struct fp_conn *c, struct shared_sent *m)
{
	struct mqtt_slice t = {m->topic, m->topic_n}, pl = {m->payload, m->payload_n};
	m->open = false;
	to_other_members(c, m->filter, t, pl, false);
}

static void remember_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	remember(c, k);
}

/* The client's PUBACK or PUBCOMP ends a delivery; `refused` (PUBACK or
 * PUBREC 0x80 or more) does too, and is handed back. */
static struct shared_sent *acked(struct fp_conn *c, const struct mqtt_packet *p)
{
	bool ack = p->type == MQTT_PUBACK || p->type == MQTT_PUBREC || p->type == MQTT_PUBCOMP;
	struct shared_sent *m = fp_v5(c) && ack ? sent_find(c, p->packet_id) : NULL;
	if (!m)
		return NULL;
	bool refused = p->type != MQTT_PUBCOMP && p->has_reason_code && p->reason_code >= 0x80;
	if (refused || p->type != MQTT_PUBREC)
		m->open = false;
	return refused ? m : NULL;
}

/* ---- v5-shared-refused-rerouted: a refused message goes to another member ---- */

static void refused_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	struct shared_sent *m = acked(c, p);
	if (m)
		reroute(c, m);
}

/* ---- v5-shared-qos2-rerouted: an unfinished QoS 2 message goes to another
 * member when its member's connection is gone ---- */

static void ack_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	acked(c, p);
}

static void closed_qos(struct fp_conn *c, int qos)
{
	for (unsigned i = 0; fp_v5(c) && i < SHARED_SENT; i++)
		if (sent[i].conn == c->id && sent[i].open && sent[i].qos == qos)
			reroute(c, &sent[i]);
}

static void qos2_closed(struct fp_conn *c)
{
	closed_qos(c, 2);
}

/* ---- v5-shared-qos1-handed-on: what the spec recommends, done: an
 * unacknowledged QoS 1 message goes to another member when its member's
 * connection is lost (the spec also permits doing so at once) ---- */

static void qos1_closed(struct fp_conn *c)
{
	closed_qos(c, 1);
}

/* ---- v5-shared-qos2-dropped: a resumed member never gets its unfinished
 * QoS 2 message again ---- */

static bool resent(const struct fp_conn *c, const struct fp_pkt *k)
{
	for (unsigned i = 0; k->p.type == MQTT_PUBLISH && i < SHARED_SENT; i++) {
		const struct shared_sent *m = &sent[i];
		if (m->conn && m->conn != c->id && m->open && m->qos == 2 && strcmp(m->client_id, c->client_id) == 0 &&
		    m->topic_n == k->p.topic.s.n && m->payload_n == k->p.payload.n &&
		    memcmp(m->topic, k->p.topic.s.p, m->topic_n) == 0 && memcmp(m->payload, k->p.payload.p, m->payload_n) == 0)
			return true;
	}
	return false;
}

static void dropped_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	if (fp_v5(c) && resent(c, k))
		return;
	remember_to_client(c, k);
}

/* ---- v5-shared-extra-level: a shared filter also matches one level below
 * what it matches (its '+' or last level taken as a prefix) ---- */

static bool one_level_below(const char *f, struct mqtt_slice t)
{
	size_t n = t.n;
	while (n > 0 && t.p[n - 1] != '/')
		n--;
	return n > 0 && !mqtt_topic_match((const uint8_t *)f, strlen(f), t.p, t.n) &&
	       mqtt_topic_match((const uint8_t *)f, strlen(f), t.p, n - 1);
}

static void extra_level_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_PUBLISH)
		return;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		for (size_t j = 0; !o->spare && fp_v5(o) && !fp_client_gone(o) && j < o->nsubs; j++) {
			const char *f = o->subs[j].active ? filter_part(o->subs[j].filter) : NULL;
			if (f && one_level_below(f, p->topic.s)) {
				fp_publish_to(o, p->topic.s, p->payload, false);
				break;
			}
		}
	}
}

/* ---- v5-shared-retained-to-joiner: the retained message goes to a session
 * joining an existing shared subscription, not to the one that made it ---- */

static struct shared_sent retained[SHARED_SENT]; /* only topic and payload used */
static unsigned nretained;

static void retained_keep(const struct mqtt_packet *p)
{
	if (p->topic.s.n > MSG_CAP || p->payload.n > MSG_CAP)
		return;
	struct shared_sent *m = &retained[nretained++ % SHARED_SENT];
	m->conn = 1;
	m->topic_n = p->topic.s.n;
	m->payload_n = p->payload.n;
	memcpy(m->topic, p->topic.s.p, m->topic_n);
	memcpy(m->payload, p->payload.p, m->payload_n);
}

/* A member joins filter f when another member has it already: give it every
 * retained message f matches (last kept wins; an empty one is a removal). */
static void retained_to_joiner(struct fp_conn *c, const char *filter)
{
	bool existing = false;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		const struct fp_conn *o = fp_conn_at(c->px, i);
		existing |= o != c && !o->spare && !fp_client_gone(o) && is_member(o, filter);
	}
	const char *f = filter_part(filter);
	for (unsigned i = 0; existing && i < SHARED_SENT; i++) {
		struct mqtt_slice t = {retained[i].topic, retained[i].topic_n};
		struct mqtt_slice pl = {retained[i].payload, retained[i].payload_n};
		if (retained[i].conn && pl.n && mqtt_topic_match((const uint8_t *)f, strlen(f), t.p, t.n))
			fp_publish_to(c, t, pl, false);
	}
}

static void joiner_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c))
		return;
	if (p->type == MQTT_PUBLISH && (p->flags & MQTT_PF_RETAIN))
		retained_keep(p);
	for (size_t i = 0; p->type == MQTT_SUBSCRIBE && i < p->entry_count && i < FP_SUBS; i++) {
		char f[FP_TOPIC_CAP];
		struct mqtt_slice s = p->entries[i].filter.s;
		if (s.n >= sizeof f)
			continue;
		memcpy(f, s.p, s.n);
		f[s.n] = '\0';
		if (filter_part(f))
			retained_to_joiner(c, f);
	}
}

/* The retained messages the broker itself sends on a shared subscription
 * (RETAIN 1 through it) are held back: only the joiner's show. */
static void joiner_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	bool own = fp_v5(c) && k->p.type == MQTT_PUBLISH && (k->p.flags & MQTT_PF_RETAIN) && shared_sub(c, k->p.topic.s) &&
		   !fp_subscribed(c, k->p.topic.s);
	if (!own)
		fp_forward(c, k);
}

/* ---- v5-share-name-wildcard-granted: a ShareName with '+' or '#' (a
 * protocol error) granted, the connection kept open ---- */

static bool bad_share_name(const struct mqtt_packet *p)
{
	for (size_t i = 0; i < p->entry_count; i++) {
		struct mqtt_slice f = p->entries[i].filter.s;
		if (f.n < sizeof share - 1 || memcmp(f.p, share, sizeof share - 1) != 0)
			continue;
		for (size_t j = sizeof share - 1; j < f.n && f.p[j] != '/'; j++)
			if (f.p[j] == '+' || f.p[j] == '#')
				return true;
	}
	return false;
}

static void wildcard_name_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_SUBSCRIBE || !bad_share_name(p))
		return;
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_SUBACK);
	a.has_packet_id = true;
	a.packet_id = p->packet_id;
	a.code_count = p->entry_count;
	for (size_t i = 0; i < p->entry_count; i++)
		a.codes[i] = p->entries[i].qos & 3;
	c->keep_open = true;
	fp_send_to(c, &a);
}

/* What the broker says of the bad SUBSCRIBE (its DISCONNECT) is not heard. */
static void wildcard_name_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	if (!c->keep_open || k->p.type != MQTT_DISCONNECT)
		fp_forward(c, k);
}

const struct fp_fault fp_v5_shared_faults[] = {
	{"v5-shared-copies", "5.0: each shared-subscription message goes to every member of the group, not one", copies_to_client,
	 NULL, NULL, 0},
	{"v5-shared-qos-up", "5.0: a shared-subscription member granted QoS 0 gets its messages at QoS 1", qos_up_to_client,
	 NULL, NULL, 0},
	{"v5-shared-refused-rerouted", "5.0: a shared-subscription message its member refused (0x80 or more) goes to another member",
	 remember_to_client, refused_from_client, NULL, 0},
	{"v5-shared-qos2-rerouted",
	 "5.0: an unfinished QoS 2 shared-subscription message goes to another member when its member's connection is lost",
	 remember_to_client, ack_from_client, qos2_closed, 0},
	{"v5-shared-qos1-handed-on",
	 "5.0: an unacknowledged QoS 1 shared-subscription message goes to another member when its member's connection is lost",
	 remember_to_client, ack_from_client, qos1_closed, 0},
	{"v5-shared-qos2-dropped",
	 "5.0: an unfinished QoS 2 shared-subscription message is not sent again when its member resumes its session",
	 dropped_to_client, ack_from_client, NULL, 0},
	{"v5-shared-extra-level", "5.0: a shared subscription also matches topics one level below those its filter matches", NULL,
	 extra_level_from_client, NULL, 0},
	{"v5-shared-retained-to-joiner",
	 "5.0: a session joining an existing shared subscription gets the retained messages (none to its first member)",
	 joiner_to_client, joiner_from_client, NULL, 0},
	{"v5-share-name-wildcard-granted",
	 "5.0: a SUBSCRIBE whose ShareName holds '+' or '#' is granted and the connection kept open",
	 wildcard_name_to_client, wildcard_name_from_client, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
