/*
 * fault_proxy_v5_rules.c - 5.0 faults of single server rules: a client id
 * every server must take refused, an empty one refused but left open, one
 * Assigned Client Identifier for all,
 * a DISCONNECT with bad flags taken as a normal one, the PUBCOMP withheld
 * once a message expired, a Topic Alias carried to the next connection.
 * Each touches only connections whose CONNECT spoke 5.0. The proxy never
 * changes what a client sends, so a fault of the broker's reading is shown
 * by what the broker would then have done: the Will it would have
 * discarded is dropped, the message it would have routed is delivered.
 * Pins: tests/faults/5.0/.
 *
 * State lives in small rings here (one proxy serves one run).
 */
#include <string.h>

#include "codec/mqtt_prop.h"
#include "tests/tools/fault_proxy.h"

#define RING 256 /* entries per ring; more than a run has in flight at once */
#define REFUSED_ID_LEN 23

/* ---- client ids ---- */

/* The accepting CONNACK k, when `hit`, sent as 0x85 (Client Identifier not
 * valid) instead; else forwarded. True when it was rewritten. */
static bool refuse_id(struct fp_conn *c, struct fp_pkt *k, bool hit)
{
	if (!hit) {
		fp_forward(c, k);
		return false;
	}
	k->p.return_code = 0x85;
	k->p.ack_flags = 0;
	k->p.props.count = 0;
	fp_send(c, &k->p);
	return true;
}

/* A CONNACK 0x00 for a client id of exactly 23 bytes becomes 0x85, and the
 * connection closes. */
static void refuse_id_23(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && k->p.return_code == 0 &&
		   strlen(c->client_id) == REFUSED_ID_LEN;
	if (refuse_id(c, k, hit))
		fp_close_after(c, 200.0);
}

/* A CONNACK 0x00 to an empty client id with Clean Start 0 becomes 0x85
 * (Client Identifier not valid), and the connection stays open: a broker that
 * says it refuses the id and then goes on as if it had not. The broker has
 * accepted, so it keeps its side open by itself. */
static void refuse_empty_id_open(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && k->p.return_code == 0 && c->client_id[0] == '\0' &&
		   !(c->connect_flags & MQTT_CF_CLEAN_SESSION);
	refuse_id(c, k, hit);
}

/* Every Assigned Client Identifier becomes the same one. */
static void assigned_constant(struct fp_conn *c, struct fp_pkt *k)
{
	static const char same[] = "fpSameAssignedId";
	struct mqtt_prop *p = fp_v5(c) && k->p.type == MQTT_CONNACK
				      ? mqtt_props_get(&k->p.props, "assigned_client_identifier")
				      : NULL;
	if (p)
		p->str.s = (struct mqtt_slice){(const uint8_t *)same, sizeof same - 1};
	fp_send_if(c, k, p != NULL);
}

/* ---- a DISCONNECT with reserved flags read as a normal disconnection ---- */

static struct {
	char topic[FP_TOPIC_CAP];
	uint8_t msg[FP_TOPIC_CAP];
	size_t n;
	bool live;
} discarded[RING];
static size_t ndiscarded;

/* Its Will is what a broker taking it for DISCONNECT 0x00 discards. */
static void bad_disconnect_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_DISCONNECT || (p->flags & 0x0f) == 0 || !(c->connect_flags & MQTT_CF_WILL) ||
	    !c->will_topic[0])
		return;
	size_t i = ndiscarded++ % RING;
	strcpy(discarded[i].topic, c->will_topic);
	memcpy(discarded[i].msg, c->will_msg, c->will_msg_len);
	discarded[i].n = c->will_msg_len;
	discarded[i].live = true;
}

static bool is_discarded_will(const struct mqtt_packet *p)
{
	size_t n = ndiscarded < RING ? ndiscarded : RING;
	for (size_t i = 0; i < n; i++)
		if (discarded[i].live && strlen(discarded[i].topic) == p->topic.s.n &&
		    memcmp(discarded[i].topic, p->topic.s.p, p->topic.s.n) == 0 && discarded[i].n == p->payload.n &&
		    memcmp(discarded[i].msg, p->payload.p, p->payload.n) == 0)
			return true;
	return false;
}

static void drop_discarded_will(struct fp_conn *c, struct fp_pkt *k)
{
	if (fp_v5(c) && k->p.type == MQTT_PUBLISH && is_discarded_will(&k->p))
		return;
	fp_forward(c, k);
}

/* ---- the QoS 2 exchange abandoned once the message expired ---- */

static struct {
	unsigned conn;	  /* 0: a free slot */
	uint16_t id;
	double expires;	  /* when its Message Expiry Interval ran out (ms) */
	bool drop;	  /* its PUBREL came after that: withhold the PUBCOMP */
} expiring[RING];
static size_t nexpiring;

static long expiring_find(const struct fp_conn *c, uint16_t id)
{
	for (size_t i = 0; i < RING; i++)
		if (expiring[i].conn == c->id && expiring[i].id == id)
			return (long)i;
	return -1;
}

static void expiry_seen(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c))
		return;
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	const struct mqtt_prop *e =
		p->type == MQTT_PUBLISH && qos == 2 ? mqtt_props_get(&p->props, "message_expiry_interval") : NULL;
	if (e) {
		size_t i = nexpiring++ % RING;
		expiring[i].conn = c->id;
		expiring[i].id = p->packet_id;
		expiring[i].expires = fp_now_ms() + 1000.0 * e->num;
		expiring[i].drop = false;
	}
	long j = p->type == MQTT_PUBREL ? expiring_find(c, p->packet_id) : -1;
	if (j >= 0 && fp_now_ms() >= expiring[j].expires)
		expiring[j].drop = true;
}

static void pubcomp_after_expiry(struct fp_conn *c, struct fp_pkt *k)
{
	long j = fp_v5(c) && k->p.type == MQTT_PUBCOMP ? expiring_find(c, k->p.packet_id) : -1;
	if (j >= 0 && expiring[j].drop) {
		expiring[j].conn = 0;
		return;
	}
	fp_forward(c, k);
}

/* ---- a client's Topic Alias carried to its next connection ---- */

static struct {
	char client_id[64];
	unsigned conn; /* the connection that set the mapping; 0: a free slot */
	uint32_t alias;
	char topic[FP_TOPIC_CAP];
} aliases[RING];
static size_t naliases;

static long alias_find(const struct fp_conn *c, uint32_t alias)
{
	for (size_t i = 0; i < RING; i++)
		if (aliases[i].conn && aliases[i].alias == alias && strcmp(aliases[i].client_id, c->client_id) == 0)
			return (long)i;
	return -1;
}

static void alias_set(struct fp_conn *c, uint32_t alias, struct mqtt_slice t)
{
	long j = alias_find(c, alias);
	size_t i = j >= 0 ? (size_t)j : naliases++ % RING;
	strcpy(aliases[i].client_id, c->client_id);
	aliases[i].conn = c->id;
	aliases[i].alias = alias;
	memcpy(aliases[i].topic, t.p, t.n);
	aliases[i].topic[t.n] = '\0';
}

/* The message an empty Topic Name and an alias of an earlier connection
 * would have been, delivered to the subscribers of that topic. */
static void alias_deliver(struct fp_conn *c, const struct mqtt_packet *p, const char *topic)
{
	struct mqtt_packet w;
	mqtt_packet_init(&w, MQTT_PUBLISH);
	w.topic.present = true;
	w.topic.s = (struct mqtt_slice){(const uint8_t *)topic, strlen(topic)};
	w.payload = p->payload;
	for (size_t i = 0; i < fp_conn_count(c->px); i++) {
		struct fp_conn *o = fp_conn_at(c->px, i);
		if (o != c && !o->spare && !fp_client_gone(o) && fp_subscribed(o, w.topic.s))
			fp_send_to(o, &w);
	}
}

static void alias_carried(struct fp_conn *c, const struct mqtt_packet *p)
{
	const struct mqtt_prop *a =
		fp_v5(c) && p->type == MQTT_PUBLISH ? mqtt_props_get(&p->props, "topic_alias") : NULL;
	if (!a || a->num == 0)
		return;
	if (p->topic.s.n > 0 && p->topic.s.n < FP_TOPIC_CAP) {
		alias_set(c, a->num, p->topic.s);
		return;
	}
	long j = p->topic.s.n == 0 ? alias_find(c, a->num) : -1;
	if (j >= 0 && aliases[j].conn != c->id)
		alias_deliver(c, p, aliases[j].topic);
}

const struct fp_fault fp_v5_rule_faults[] = {
	{"v5-refuse-id-23", "5.0: a client id of 23 bytes is refused with CONNACK 0x85", refuse_id_23, NULL, NULL, 0},
	{"v5-refuse-empty-id-open", "5.0: an empty client id with Clean Start 0 refused with CONNACK 0x85, left open",
	 refuse_empty_id_open, NULL, NULL, 0},
	{"v5-assigned-id-same", "5.0: every Assigned Client Identifier is the same one", assigned_constant, NULL, NULL,
	 0},
	{"v5-bad-disconnect-normal", "5.0: a DISCONNECT with reserved flags set discards the Will, as 0x00 would",
	 drop_discarded_will, bad_disconnect_seen, NULL, 0},
	{"v5-expired-no-pubcomp", "5.0: no PUBCOMP for a PUBREL that comes after its QoS 2 message expired",
	 pubcomp_after_expiry, expiry_seen, NULL, 0},
	{"v5-alias-carried", "5.0: a client's Topic Alias mappings carried to its next connection", NULL,
	 alias_carried, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
