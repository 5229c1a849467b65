/*
 * fault_proxy_v5_flows.c - faults of the QoS flows' packet-id rules where
 * the broker is the receiver (a client's id reused after its flow ended)
 * or the sender of a released message. Like the other 5.0 faults, each
 * touches only connections whose CONNECT spoke 5.0. Pins: tests/faults/5.0/.
 *
 * A sender also may not send a message again once it is released (PUBREL)
 * or the receiver refused it (PUBACK 0x80 or more).
 *
 * The proxy cannot change what a client sends, so a broker that takes a
 * reused id for a duplicate is played from both sides: the client's
 * PUBLISH still reaches mosquitto and is acknowledged, and the proxy drops
 * its deliveries to every subscriber, as if the broker had discarded it.
 */
#include <string.h>

#include "tests/tools/fault_proxy.h"

#define FLOW_IDS 16	 /* ids whose flow ended, per connection */
#define FLOW_CONNS 1024 /* connections remembered (a ring; more than a run has open at once) */
#define DISCARDED 16	 /* messages taken for duplicates (a ring) */
#define RELEASED 32	 /* QoS 2 messages sent, remembered (a ring) */
#define MSG_CAP 1024	 /* the longest message remembered */

/* ---- a reused id taken for a duplicate ---- */

struct flow_conn {
	unsigned id; /* the connection; 0: a free slot */
	uint16_t ended[2][FLOW_IDS]; /* [0] PUBACK sent, [1] PUBCOMP sent: their ids, 0 none */
	unsigned next[2];
};

struct msg {
	size_t topic_n, payload_n;
	uint8_t topic[MSG_CAP], payload[MSG_CAP];
};

static struct flow_conn flows[FLOW_CONNS];
static struct msg discarded[DISCARDED];
static unsigned ndiscarded;

static struct flow_conn *flow_of(const struct fp_conn *c)
{
	struct flow_conn *f = &flows[c->id % FLOW_CONNS];
	if (f->id != c->id) {
		memset(f, 0, sizeof *f);
		f->id = c->id;
	}
	return f;
}

/* Take id `pid` out of list `k` of `f`: whether it was there. */
static bool ended_take(struct flow_conn *f, int k, uint16_t pid)
{
	for (unsigned i = 0; pid && i < FLOW_IDS; i++)
		if (f->ended[k][i] == pid) {
			f->ended[k][i] = 0;
			return true;
		}
	return false;
}

static bool msg_is(const struct msg *m, const struct mqtt_packet *p)
{
	return m->topic_n == p->topic.s.n && m->payload_n == p->payload.n &&
	       memcmp(m->topic, p->topic.s.p, m->topic_n) == 0 && memcmp(m->payload, p->payload.p, m->payload_n) == 0;
}

/* The broker acknowledges the end of a client's flow: remember its id. */
static void reused_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	int kind = k->p.type == MQTT_PUBACK ? 0 : k->p.type == MQTT_PUBCOMP ? 1 : -1;
	if (fp_v5(c) && kind >= 0) {
		struct flow_conn *f = flow_of(c);
		f->ended[kind][f->next[kind]++ % FLOW_IDS] = k->p.packet_id;
	}
	for (unsigned i = 0; fp_v5(c) && k->p.type == MQTT_PUBLISH && i < DISCARDED && i < ndiscarded; i++)
		if (msg_is(&discarded[i], &k->p))
			return; /* the broker "discarded" it: no subscriber gets it */
	fp_forward(c, k);
}

/* A new PUBLISH under an id whose flow ended is taken for a duplicate. */
static void reused_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	if (!fp_v5(c) || p->type != MQTT_PUBLISH || qos == 0 || qos == 3 ||
	    !ended_take(flow_of(c), qos - 1, p->packet_id) || p->topic.s.n > MSG_CAP || p->payload.n > MSG_CAP)
		return;
	struct msg *m = &discarded[ndiscarded++ % DISCARDED];
	m->topic_n = p->topic.s.n;
	m->payload_n = p->payload.n;
	memcpy(m->topic, p->topic.s.p, m->topic_n);
	memcpy(m->payload, p->payload.p, m->payload_n);
}

/* ---- messages sent again that may not be ---- */

struct sent {
	char client_id[64]; /* "" : a free slot */
	uint16_t packet_id;
	size_t len;
	uint8_t raw[MSG_CAP];
};

static struct sent released[RELEASED], refused[RELEASED];
static unsigned nreleased, nrefused;

static struct sent *sent_find(struct sent *ring, const struct fp_conn *c, uint16_t pid)
{
	for (unsigned i = 0; i < RELEASED; i++)
		if (ring[i].client_id[0] && ring[i].packet_id == pid && strcmp(ring[i].client_id, c->client_id) == 0)
			return &ring[i];
	return NULL;
}

/* Remember the PUBLISH k going to c, in place of one of the same id. */
static void remember(struct sent *ring, unsigned *n, const struct fp_conn *c, const struct fp_pkt *k)
{
	if (k->len > MSG_CAP)
		return;
	struct sent *s = sent_find(ring, c, k->p.packet_id);
	if (!s)
		s = &ring[(*n)++ % RELEASED];
	memcpy(s->client_id, c->client_id, sizeof s->client_id);
	s->packet_id = k->p.packet_id;
	s->len = k->len;
	memcpy(s->raw, k->raw, k->len);
}

static void send_again(struct fp_conn *c, const struct sent *s)
{
	uint8_t again[MSG_CAP];
	memcpy(again, s->raw, s->len);
	again[0] |= MQTT_PF_DUP;
	fp_send_bytes(c, again, s->len);
}

static int qos_of(const struct mqtt_packet *p)
{
	return (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
}

/* On a resumed session (fp_conn.n), each PUBREL the broker re-sends comes
 * after its PUBLISH again (DUP 1), which the sender may no longer send. */
static void resend_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	if (fp_v5(c) && k->p.type == MQTT_CONNACK)
		c->n = k->p.ack_flags & 1;
	if (fp_v5(c) && k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 2)
		remember(released, &nreleased, c, k);
	const struct sent *s =
		fp_v5(c) && c->n && k->p.type == MQTT_PUBREL ? sent_find(released, c, k->p.packet_id) : NULL;
	if (s)
		send_again(c, s);
	fp_forward(c, k);
}

/* A QoS 1 delivery the client refused (PUBACK 0x80 or more) is sent again,
 * DUP 1, right after the CONNACK that resumes the client's session. */
static void refused_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (fp_v5(c) && k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 1)
		remember(released, &nreleased, c, k);
	for (unsigned i = 0; fp_v5(c) && k->p.type == MQTT_CONNACK && (k->p.ack_flags & 1) && i < RELEASED; i++)
		if (refused[i].client_id[0] && strcmp(refused[i].client_id, c->client_id) == 0) {
			send_again(c, &refused[i]);
			refused[i].client_id[0] = '\0';
		}
}

static void refused_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_PUBACK || !p->has_reason_code || p->reason_code < 0x80)
		return;
	struct sent *s = sent_find(released, c, p->packet_id);
	if (s) {
		refused[nrefused++ % RELEASED] = *s;
		s->client_id[0] = '\0';
	}
}

const struct fp_fault fp_v5_flow_faults[] = {
	{"v5-reused-id-dropped",
	 "5.0: a client's PUBLISH under an id whose flow ended (PUBACK or PUBCOMP sent) taken for a duplicate: acked, never delivered",
	 reused_to_client, reused_from_client, NULL, 0},
	{"v5-publish-after-pubrel", "5.0: on a resumed session, a re-sent PUBREL follows its PUBLISH again", resend_to_client,
	 NULL, NULL, 0},
	{"v5-redeliver-refused", "5.0: a QoS 1 delivery the client refused with PUBACK 0x80 or more sent again on resuming",
	 refused_to_client, refused_from_client, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
