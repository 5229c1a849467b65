/*
 * fault_proxy_monitor.c - faults that break the invariants the engine's
 * monitors check on every packet the broker sends, whatever the case: the
 * first packet is a CONNACK; a delivery matches a subscription of the
 * client and comes at no more than its grant; a QoS 2 message arrives once;
 * ids in flight to a client are distinct; only server packet types arrive.
 * Most ride on packets no case waits for (PINGRESP) or on deliveries that
 * no case looks at closely, so only a monitor sees them.
 */
#include <string.h>

#include "codec/mqtt_topic.h"
#include "tests/tools/fault_proxy.h"

#define SLOTS 512 /* per-connection state, by connection id */

static unsigned qos_of(const struct mqtt_packet *p)
{
	return (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
}

static void set_qos(struct mqtt_packet *p, unsigned q)
{
	p->flags = (uint8_t)((p->flags & ~(3u << MQTT_PF_QOS_SHIFT)) | q << MQTT_PF_QOS_SHIFT);
}

/* A PINGRESP before the CONNACK: the first packet is not a CONNACK. */
static void early_pingresp(struct fp_conn *c, struct fp_pkt *k)
{
	static const uint8_t ping[] = {0xD0, 0x00};
	if (k->p.type == MQTT_CONNACK)
		fp_send_bytes(c, ping, sizeof ping);
	fp_forward(c, k);
}

/* Each CONNACK sent twice: a second CONNACK on one connection. */
static void connack_twice(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (k->p.type == MQTT_CONNACK)
		fp_forward(c, k);
}

/* Before each PINGRESP, a QoS 0 PUBLISH on a '$' topic no case subscribes
 * to (and no leading wildcard matches). */
static void unsubscribed_delivery(struct fp_conn *c, struct fp_pkt *k)
{
	static const char topic[] = "$fault/never-subscribed";
	if (k->p.type == MQTT_PINGRESP) {
		struct mqtt_packet p;
		mqtt_packet_init(&p, MQTT_PUBLISH);
		p.topic.present = true;
		p.topic.s = (struct mqtt_slice){(const uint8_t *)topic, sizeof topic - 1};
		p.payload = (struct mqtt_slice){(const uint8_t *)"x", 1};
		fp_send(c, &p);
	}
	fp_forward(c, k);
}

/* Before each PINGRESP, a SUBSCRIBE: a packet only a client sends. */
static void server_subscribe(struct fp_conn *c, struct fp_pkt *k)
{
	static const uint8_t sub[] = {0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00};
	if (k->p.type == MQTT_PINGRESP)
		fp_send_bytes(c, sub, sizeof sub);
	fp_forward(c, k);
}

/* ---- QoS above the grant: grants learnt from SUBSCRIBE + SUBACK ---- */

static struct {
	unsigned conn;
	uint16_t pid;		   /* the SUBSCRIBE awaiting its SUBACK */
	char req[4][FP_TOPIC_CAP]; /* its first filters */
	size_t nreq;
	char filter[FP_SUBS][FP_TOPIC_CAP]; /* granted filters */
	uint8_t grant[FP_SUBS];
	size_t n;
} grants[SLOTS];

static void grants_reset(struct fp_conn *c)
{
	unsigned i = c->id % SLOTS;
	if (grants[i].conn != c->id) {
		memset(&grants[i], 0, sizeof grants[i]);
		grants[i].conn = c->id;
	}
}

static void grant_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (p->type != MQTT_SUBSCRIBE)
		return;
	grants_reset(c);
	unsigned i = c->id % SLOTS;
	grants[i].pid = p->packet_id;
	grants[i].nreq = 0;
	for (size_t j = 0; j < p->entry_count && j < 4; j++) {
		struct mqtt_slice f = p->entries[j].filter.s;
		if (f.n >= FP_TOPIC_CAP)
			continue;
		memcpy(grants[i].req[j], f.p, f.n);
		grants[i].req[j][f.n] = 0;
		grants[i].nreq = j + 1;
	}
}

static void grant_learn(struct fp_conn *c, const struct mqtt_packet *p)
{
	unsigned i = c->id % SLOTS;
	if (grants[i].conn != c->id || grants[i].pid != p->packet_id)
		return;
	for (size_t j = 0; j < grants[i].nreq && j < p->code_count; j++) {
		size_t m = 0;
		while (m < grants[i].n && strcmp(grants[i].filter[m], grants[i].req[j]) != 0)
			m++;
		if (m == grants[i].n && m < FP_SUBS)
			strcpy(grants[i].filter[grants[i].n++], grants[i].req[j]);
		if (m < grants[i].n)
			grants[i].grant[m] = p->codes[j];
	}
}

/* The highest grant among the client's active subscriptions matching t;
 * -1 if none is known. */
static int grant_for(const struct fp_conn *c, struct mqtt_slice t)
{
	unsigned i = c->id % SLOTS;
	int best = -1;
	if (grants[i].conn != c->id)
		return -1;
	for (size_t m = 0; m < grants[i].n; m++) {
		const char *f = grants[i].filter[m];
		if (grants[i].grant[m] <= 2 && (int)grants[i].grant[m] > best &&
		    mqtt_topic_match((const uint8_t *)f, strlen(f), t.p, t.n))
			best = grants[i].grant[m];
	}
	return best;
}

/* Where every matching subscription was granted QoS 0, a QoS 0 delivery
 * comes at QoS 1 (an id of its own): above the grant. */
static void qos_above_grant(struct fp_conn *c, struct fp_pkt *k)
{
	grants_reset(c);
	if (k->p.type == MQTT_SUBACK)
		grant_learn(c, &k->p);
	if (k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 0 && grant_for(c, k->p.topic.s) == 0) {
		set_qos(&k->p, 1);
		k->p.has_packet_id = true;
		k->p.packet_id = (uint16_t)(61000 + c->n++ % 4000);
		fp_send(c, &k->p);
		return;
	}
	fp_forward(c, k);
}

/* Each QoS 2 PUBLISH twice, the copy under another packet id: one
 * application message delivered twice. */
static void qos2_twice(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 2) {
		k->p.packet_id ^= 0x8000;
		fp_send(c, &k->p);
	}
}

/* ---- a packet id reused while its message is unacknowledged ---- */

static struct {
	unsigned conn;
	uint16_t id; /* a QoS 1/2 PUBLISH to the client not yet acknowledged; 0: none */
} inflight[SLOTS];

static void reuse_to_client(struct fp_conn *c, struct fp_pkt *k)
{
	unsigned i = c->id % SLOTS;
	if (inflight[i].conn != c->id)
		inflight[i].conn = c->id, inflight[i].id = 0;
	bool fresh = k->p.type == MQTT_PUBLISH && qos_of(&k->p) > 0 && !(k->p.flags & MQTT_PF_DUP);
	if (fresh && inflight[i].id && inflight[i].id != k->p.packet_id) {
		k->p.packet_id = inflight[i].id; /* a second message under an id in use */
		fp_send(c, &k->p);
		return;
	}
	if (fresh)
		inflight[i].id = k->p.packet_id;
	fp_forward(c, k);
}

static void reuse_from_client(struct fp_conn *c, const struct mqtt_packet *p)
{
	unsigned i = c->id % SLOTS;
	if ((p->type == MQTT_PUBACK || p->type == MQTT_PUBCOMP) && inflight[i].conn == c->id &&
	    inflight[i].id == p->packet_id)
		inflight[i].id = 0;
}

const struct fp_fault fp_monitor_faults[] = {
	{"early-pingresp", "a PINGRESP before each CONNACK", early_pingresp, NULL, NULL, 0},
	{"connack-twice", "every CONNACK sent twice", connack_twice, NULL, NULL, 0},
	{"unsubscribed-delivery", "before each PINGRESP, a PUBLISH on a topic no subscription matches",
	 unsubscribed_delivery, NULL, NULL, 0},
	{"server-subscribe", "before each PINGRESP, a SUBSCRIBE (a client-only type)", server_subscribe, NULL, NULL,
	 0},
	{"qos-above-grant", "QoS 0 deliveries on QoS 0 grants come at QoS 1", qos_above_grant, grant_from_client,
	 NULL, 0},
	{"qos2-twice", "each QoS 2 PUBLISH sent again under another packet id", qos2_twice, NULL, NULL, 0},
	{"inflight-id-reuse", "a new QoS 1/2 PUBLISH reuses the id of one still unacknowledged", reuse_to_client,
	 reuse_from_client, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
