/*
 * fault_proxy_v5_timers.c - faults of the 5.0 timers: Session Present and
 * the Session Expiry behind it, the Will Delay, the Message Expiry. Like
 * those of fault_proxy_v5.c, each touches only 5.0 connections (a 3.1.1
 * run through one is clean). Pins: tests/faults/5.0/NAME.txt.
 *
 * State that outlives a connection is kept in small tables here (one proxy
 * serves one run); per connection, fp_conn.n.
 */
#include <string.h>

#include "codec/mqtt_prop.h"
#include "tests/tools/fault_proxy.h"

#define GONE_WILLS 16	     /* Wills of dropped clients remembered (a ring) */
#define EXPIRY_1S_MS 1000.0 /* the Message Expiry a remembered message had */

static uint32_t prop_num(const struct mqtt_props *pr, const char *key)
{
	const struct mqtt_prop *p = mqtt_props_get(pr, key);
	return p ? p->num : 0; /* both intervals here read an absence as 0 */
}

/* ---- Session Present ---- */

/* v5-session-forgotten: a resumed session answered as new, and what it
 * had queued never comes (fp_conn.n: this connection's session is gone). */
static void session_forgotten(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && (k->p.ack_flags & 1);
	if (hit) {
		k->p.ack_flags &= (uint8_t)~1u;
		c->n = 1;
	}
	if (fp_v5(c) && c->n && k->p.type == MQTT_PUBLISH)
		return;
	fp_send_if(c, k, hit);
}

/* v5-session-kept: a session claimed to be there that the broker ended
 * (Clean Start 0 asks for one; only an accepting CONNACK may claim it). */
static void session_kept(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && k->p.return_code == 0 && !(k->p.ack_flags & 1) &&
		   !(c->connect_flags & MQTT_CF_CLEAN_SESSION);
	if (hit)
		k->p.ack_flags |= 1;
	fp_send_if(c, k, hit);
}

/* ---- the Will Delay ---- */

/* A CONNECT's Will waits min(Will Delay, Session Expiry) seconds after an
 * unexpected close (spec 3.1.3.2.2): kept in fp_conn.n. When that is 0 the
 * broker publishes at once itself, and a fault publishing too would only
 * duplicate it, so the Will faults leave such a Will alone. */
static void will_delay_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_CONNECT || !(p->connect_flags & MQTT_CF_WILL))
		return;
	uint32_t wd = prop_num(&p->will_props, "will_delay_interval");
	uint32_t se = prop_num(&p->props, "session_expiry_interval");
	c->n = wd < se ? wd : se;
}

/* Did `c` leave a Will the broker should still hold back? */
static bool will_delayed(const struct fp_conn *c)
{
	return fp_v5(c) && c->accepted && (c->connect_flags & MQTT_CF_WILL) && c->will_topic[0] &&
	       !c->disconnect_sent && c->n > 0;
}

/* The Will to every other live 5.0 connection subscribed to its topic. */
static void publish_will(struct fp_conn *from, const char *topic, const uint8_t *msg, size_t len)
{
	struct mqtt_slice t = {(const uint8_t *)topic, strlen(topic)};
	for (size_t i = 0; i < fp_conn_count(from->px); i++) {
		struct fp_conn *o = fp_conn_at(from->px, i);
		if (o != from && !o->spare && fp_v5(o) && o->accepted && fp_subscribed(o, t))
			fp_publish_to(o, t, (struct mqtt_slice){msg, len}, false);
	}
}

/* v5-will-early: the Will goes out the moment its client drops. */
static void will_early_closed(struct fp_conn *c)
{
	if (will_delayed(c))
		publish_will(c, c->will_topic, c->will_msg, c->will_msg_len);
}

/* v5-will-not-cancelled: a client id that connects again within the Will
 * Delay (whatever its Clean Start: MQTT-3.1.2-8 names the ClientID) still
 * gets its Will published. The Wills of dropped clients, until their delay
 * is up. */
static struct {
	char id[64]; /* "": a free slot */
	char topic[FP_TOPIC_CAP];
	uint8_t msg[FP_TOPIC_CAP];
	size_t len;
	double until;
} gone[GONE_WILLS];
static size_t ngone;

static void will_gone_closed(struct fp_conn *c)
{
	if (!will_delayed(c) || !c->client_id[0])
		return;
	size_t i = 0, free_at = GONE_WILLS;
	for (; i < GONE_WILLS && strcmp(gone[i].id, c->client_id) != 0; i++)
		if (!gone[i].id[0] && free_at == GONE_WILLS)
			free_at = i;
	if (i == GONE_WILLS) /* a new id: a free slot, else the oldest */
		i = free_at < GONE_WILLS ? free_at : ngone++ % GONE_WILLS;
	strcpy(gone[i].id, c->client_id);
	strcpy(gone[i].topic, c->will_topic);
	memcpy(gone[i].msg, c->will_msg, c->will_msg_len);
	gone[i].len = c->will_msg_len;
	gone[i].until = fp_now_ms() + 1000.0 * c->n;
}

/* A CONNECT of the same client id (track_connect has filled c->client_id
 * before from_client runs). Past the delay the broker published it already:
 * a copy then would be a duplicate, not a Will left uncancelled. */
static void will_gone_connect(struct fp_conn *c, const struct mqtt_packet *p)
{
	will_delay_seen(c, p);
	if (!fp_v5(c) || p->type != MQTT_CONNECT || !c->client_id[0])
		return;
	for (size_t i = 0; i < GONE_WILLS; i++) {
		if (strcmp(gone[i].id, c->client_id) != 0)
			continue;
		if (fp_now_ms() < gone[i].until)
			publish_will(c, gone[i].topic, gone[i].msg, gone[i].len);
		gone[i].id[0] = 0;
	}
}

/* ---- the Message Expiry ---- */

/* v5-expired-delivered: the 5.0 PUBLISHes clients sent with Message Expiry
 * Interval 1, per topic (a ring: cases run at once), until a copy went out. */
#define EXPIRING 256

static struct expiring {
	bool set;
	double at;
	char topic[FP_TOPIC_CAP];
	uint8_t payload[FP_TOPIC_CAP];
	size_t n;
} expiring[EXPIRING];
static unsigned nexpiring;

static struct expiring *expiring_on(struct mqtt_slice t)
{
	for (size_t i = 0; i < EXPIRING; i++)
		if (expiring[i].set && t.n == strlen(expiring[i].topic) && memcmp(t.p, expiring[i].topic, t.n) == 0)
			return &expiring[i];
	return NULL;
}

static void expiring_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	const struct mqtt_prop *e = p->type == MQTT_PUBLISH ? mqtt_props_get(&p->props, "message_expiry_interval") : NULL;
	if (!fp_v5(c) || !e || e->num != 1 || p->topic.s.n >= FP_TOPIC_CAP || p->payload.n > FP_TOPIC_CAP)
		return;
	struct expiring *x = expiring_on(p->topic.s);
	for (size_t i = 0; !x && i < EXPIRING; i++)
		if (!expiring[i].set)
			x = &expiring[i];
	if (!x)
		x = &expiring[nexpiring++ % EXPIRING];
	memcpy(x->topic, p->topic.s.p, p->topic.s.n);
	x->topic[p->topic.s.n] = 0;
	memcpy(x->payload, p->payload.p, p->payload.n);
	x->n = p->payload.n;
	x->at = fp_now_ms();
	x->set = true;
}

/* The next message with a Message Expiry on that topic, once the remembered
 * one is over a second old, brings the expired one along first. The
 * remembered one itself coming is no fault: it is forgotten. One on the topic
 * while it is younger is let pass (no copy of a live message: that would be a
 * duplicate, not an expiry broken). */
static void expired_delivered(struct fp_conn *c, struct fp_pkt *k)
{
	struct mqtt_slice t = k->p.topic.s;
	/* A copy to a client already gone never reached anyone. */
	struct expiring *x = fp_v5(c) && !fp_client_gone(c) && k->p.type == MQTT_PUBLISH &&
				     mqtt_props_get(&k->p.props, "message_expiry_interval")
			     ? expiring_on(t)
			     : NULL;
	if (x) {
		bool same = k->p.payload.n == x->n && memcmp(k->p.payload.p, x->payload, x->n) == 0;
		bool old = fp_now_ms() - x->at > EXPIRY_1S_MS;
		if (!same && old)
			fp_publish_to(c, t, (struct mqtt_slice){x->payload, x->n}, false);
		if (same || old)
			x->set = false; /* a younger other message: keep waiting */
	}
	fp_forward(c, k);
}

const struct fp_fault fp_v5_timer_faults[] = {
	{"v5-session-forgotten",
	 "5.0: a resumed session answered as new: Session Present 1 becomes 0, and the messages queued for it dropped",
	 session_forgotten, NULL, NULL, 0},
	{"v5-session-kept",
	 "5.0: Session Present 0 becomes 1 on a CONNECT with Clean Start 0 (a session kept past its expiry)",
	 session_kept, NULL, NULL, 0},
	{"v5-will-early", "5.0: a Will published the moment its client drops, ignoring the Will Delay", NULL,
	 will_delay_seen, will_early_closed, 0},
	{"v5-will-not-cancelled", "5.0: a Will still published when its client reconnects within the Will Delay",
	 NULL, will_gone_connect, will_gone_closed, 0},
	{"v5-expired-delivered", "5.0: a message whose 1 s Message Expiry ran out still delivered",
	 expired_delivered, expiring_seen, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
