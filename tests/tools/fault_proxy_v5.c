/*
 * fault_proxy_v5.c - faults of the 5.0 forms: reason codes, properties, the
 * short forms. Each touches only connections whose CONNECT spoke 5.0 (the
 * relay decodes and encodes each connection in its own version); on a 3.1.1
 * connection it forwards everything, so a 3.1.1 run through it is clean.
 *
 * The faults of fault_proxy_faults.c and the others work on the packet model
 * and so act on 5.0 connections too (a dropped PUBACK is a dropped PUBACK);
 * the ones here break what only 5.0 has. Pins: tests/faults/5.0/NAME.txt.
 */
#include <string.h>

#include "codec/mqtt_prop.h"
#include "codec/mqtt_topic.h"
#include "tests/tools/fault_proxy.h"

static uint8_t prop_id(const char *key)
{
	const struct mqtt_prop_def *d = mqtt_prop_find(key);
	return d ? d->id : 0;
}

/* Index of the first property `id` in the block, or -1. */
static long prop_index(const struct mqtt_props *pr, uint8_t id)
{
	for (size_t i = 0; i < pr->count; i++)
		if (pr->items[i].id == id)
			return (long)i;
	return -1;
}

/* Remove every property `id`; whether there was one. */
static bool prop_drop(struct mqtt_props *pr, uint8_t id)
{
	size_t j = 0;
	for (size_t i = 0; i < pr->count; i++)
		if (pr->items[i].id != id)
			pr->items[j++] = pr->items[i];
	bool hit = j != pr->count;
	pr->count = j;
	return hit;
}

/* Append a property (the block becomes present); NULL when full. */
static struct mqtt_prop *prop_add(struct mqtt_props *pr, uint8_t id)
{
	if (pr->count >= MQTT_MAX_PROPS)
		return NULL;
	struct mqtt_prop *p = &pr->items[pr->count++];
	memset(p, 0, sizeof *p);
	p->id = id;
	p->str.len_override = p->value.len_override = -1;
	pr->present = true;
	return p;
}

static void prop_add_str(struct mqtt_props *pr, uint8_t id, const char *s)
{
	struct mqtt_prop *p = prop_add(pr, id);
	if (p) {
		p->str.present = true;
		p->str.s = (struct mqtt_slice){(const uint8_t *)s, strlen(s)};
	}
}

static void prop_add_num(struct mqtt_props *pr, uint8_t id, uint32_t v)
{
	struct mqtt_prop *p = prop_add(pr, id);
	if (p)
		p->num = v;
}

/* ---- reason codes outside the packet's table ---- */

/* Give the (short-form) ack a code its table lacks. */
static void ack_code(struct fp_conn *c, struct fp_pkt *k, enum mqtt_type t, uint8_t code)
{
	bool hit = fp_v5(c) && k->p.type == t;
	if (hit) {
		k->p.has_reason_code = true;
		k->p.reason_code = code;
	}
	fp_send_if(c, k, hit);
}

/* 0x01 is in no ack's table (granted QoS 1 is SUBACK's only). */
static void puback_rc(struct fp_conn *c, struct fp_pkt *k) { ack_code(c, k, MQTT_PUBACK, 0x01); }
static void pubrec_rc(struct fp_conn *c, struct fp_pkt *k) { ack_code(c, k, MQTT_PUBREC, 0x01); }
static void pubrel_rc(struct fp_conn *c, struct fp_pkt *k) { ack_code(c, k, MQTT_PUBREL, 0x01); }
static void pubcomp_rc(struct fp_conn *c, struct fp_pkt *k) { ack_code(c, k, MQTT_PUBCOMP, 0x01); }
static void disconnect_rc(struct fp_conn *c, struct fp_pkt *k) { ack_code(c, k, MQTT_DISCONNECT, 0x03); }

static void connack_rc(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && k->p.return_code == 0;
	if (hit)
		k->p.return_code = 0x03;
	fp_send_if(c, k, hit);
}

/* The first code of every SUBACK / UNSUBACK becomes one its table lacks. */
static void list_code(struct fp_conn *c, struct fp_pkt *k, enum mqtt_type t, uint8_t code)
{
	bool hit = fp_v5(c) && k->p.type == t && k->p.code_count > 0;
	if (hit)
		k->p.codes[0] = code;
	fp_send_if(c, k, hit);
}

static void suback_rc(struct fp_conn *c, struct fp_pkt *k) { list_code(c, k, MQTT_SUBACK, 0x03); }
static void unsuback_rc(struct fp_conn *c, struct fp_pkt *k) { list_code(c, k, MQTT_UNSUBACK, 0x01); }

/* One UNSUBACK code too few: a filter goes unanswered. */
static void unsuback_short(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_UNSUBACK && k->p.code_count > 0;
	if (hit)
		k->p.code_count--;
	fp_send_if(c, k, hit);
}

/* ---- properties where they may not be ---- */

/* An Assigned Client Identifier belongs in a CONNACK only. */
static void publish_prop_misplaced(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_PUBLISH;
	if (hit)
		prop_add_str(&k->p.props, prop_id("assigned_client_identifier"), "x");
	fp_send_if(c, k, hit);
}

/* Receive Maximum may be in a CONNACK once. */
static void connack_prop_repeated(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK;
	if (hit) {
		uint8_t id = prop_id("receive_maximum");
		prop_add_num(&k->p.props, id, 10);
		prop_add_num(&k->p.props, id, 10);
	}
	fp_send_if(c, k, hit);
}

/* Response Information though the client asked for none. */
static void connack_response_info(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && k->p.return_code == 0;
	if (hit)
		prop_add_str(&k->p.props, prop_id("response_information"), "resp/x");
	fp_send_if(c, k, hit);
}

/* An accepting CONNACK without the Assigned Client Identifier it had. */
static void connack_drop_assigned(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK &&
		   prop_drop(&k->p.props, prop_id("assigned_client_identifier"));
	fp_send_if(c, k, hit);
}

/* A Topic Alias on every PUBLISH with a topic, whatever the client allowed. */
static void publish_alias(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_PUBLISH && prop_index(&k->p.props, prop_id("topic_alias")) < 0;
	if (hit)
		prop_add_num(&k->p.props, prop_id("topic_alias"), 1);
	fp_send_if(c, k, hit);
}

/* A Reason String on every PUBACK, whatever the client asked for. */
static void puback_reason_string(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_PUBACK;
	if (hit) {
		k->p.has_reason_code = true;
		prop_add_str(&k->p.props, prop_id("reason_string"), "because");
	}
	fp_send_if(c, k, hit);
}

/* 600 bytes of User Property on every PUBLISH: past a small Maximum Packet Size. */
static void publish_pad(struct fp_conn *c, struct fp_pkt *k)
{
	static char pad[601];
	if (!pad[0])
		memset(pad, 'p', sizeof pad - 1);
	bool hit = fp_v5(c) && k->p.type == MQTT_PUBLISH;
	if (hit) {
		struct mqtt_prop *p = prop_add(&k->p.props, prop_id("user_property"));
		if (p) {
			p->str = (struct mqtt_str){true, {(const uint8_t *)"pad", 3}, -1};
			p->value = (struct mqtt_str){true, {(const uint8_t *)pad, sizeof pad - 1}, -1};
		}
	}
	fp_send_if(c, k, hit);
}

/* ---- properties a forwarded message must keep ---- */

static void publish_drop(struct fp_conn *c, struct fp_pkt *k, const char *key)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_PUBLISH && prop_drop(&k->p.props, prop_id(key));
	fp_send_if(c, k, hit);
}

static void drop_user_props(struct fp_conn *c, struct fp_pkt *k) { publish_drop(c, k, "user_property"); }
static void drop_response_topic(struct fp_conn *c, struct fp_pkt *k) { publish_drop(c, k, "response_topic"); }
static void drop_format(struct fp_conn *c, struct fp_pkt *k) { publish_drop(c, k, "payload_format_indicator"); }
static void drop_content_type(struct fp_conn *c, struct fp_pkt *k) { publish_drop(c, k, "content_type"); }
static void drop_sub_id(struct fp_conn *c, struct fp_pkt *k) { publish_drop(c, k, "subscription_identifier"); }
static void drop_expiry(struct fp_conn *c, struct fp_pkt *k) { publish_drop(c, k, "message_expiry_interval"); }

/* A Subscription Identifier no SUBSCRIBE of the client gave (7777). */
static void add_sub_id(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_PUBLISH;
	if (hit)
		prop_add_num(&k->p.props, prop_id("subscription_identifier"), 7777);
	fp_send_if(c, k, hit);
}

/* Receive Maximum ignored: each QoS 1 PUBLISH to a client comes a second
 * time under another packet id, so two are unacknowledged at once. */
static void qos1_twice(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (fp_v5(c) && k->p.type == MQTT_PUBLISH && ((k->p.flags >> MQTT_PF_QOS_SHIFT) & 3) == 1) {
		k->p.packet_id = (uint16_t)(k->p.packet_id ^ 0x8000);
		fp_send(c, &k->p);
	}
}

/* User Properties in reverse order: the same multiset, another list. */
static void reverse_user_props(struct fp_conn *c, struct fp_pkt *k)
{
	struct mqtt_props *pr = &k->p.props;
	uint8_t id = prop_id("user_property");
	size_t at[MQTT_MAX_PROPS], n = 0;
	for (size_t i = 0; fp_v5(c) && k->p.type == MQTT_PUBLISH && i < pr->count; i++)
		if (pr->items[i].id == id)
			at[n++] = i;
	for (size_t i = 0; i < n / 2; i++) {
		struct mqtt_prop t = pr->items[at[i]];
		pr->items[at[i]] = pr->items[at[n - 1 - i]];
		pr->items[at[n - 1 - i]] = t;
	}
	fp_send_if(c, k, n > 1);
}

/* The last byte of the Correlation Data flipped. */
static void correlation_mangle(struct fp_conn *c, struct fp_pkt *k)
{
	static uint8_t copy[FP_HOLD_CAP];
	long i = fp_v5(c) && k->p.type == MQTT_PUBLISH ? prop_index(&k->p.props, prop_id("correlation_data")) : -1;
	struct mqtt_str *s = i >= 0 ? &k->p.props.items[i].str : NULL;
	bool hit = s && s->s.n > 0 && s->s.n <= sizeof copy;
	if (hit) {
		memcpy(copy, s->s.p, s->s.n);
		copy[s->s.n - 1] ^= 0x01;
		s->s.p = copy;
	}
	fp_send_if(c, k, hit);
}

/* A Message Expiry Interval forwarded 100 s longer than it was sent. */
static void expiry_longer(struct fp_conn *c, struct fp_pkt *k)
{
	long i = fp_v5(c) && k->p.type == MQTT_PUBLISH ? prop_index(&k->p.props, prop_id("message_expiry_interval")) : -1;
	if (i >= 0)
		k->p.props.items[i].num += 100;
	fp_send_if(c, k, i >= 0);
}

/* ---- forms the spec permits: no check may fail ---- */

/* Every ack with code 0x00 and no properties in its shortest form. */
static void acks_short(struct fp_conn *c, struct fp_pkt *k)
{
	enum mqtt_type t = k->p.type;
	bool ack = t == MQTT_PUBACK || t == MQTT_PUBREC || t == MQTT_PUBREL || t == MQTT_PUBCOMP;
	bool hit = fp_v5(c) && ack && k->p.reason_code == 0 && k->p.props.count == 0;
	if (hit) {
		k->p.has_reason_code = false;
		k->p.props.present = false;
	}
	fp_send_if(c, k, hit);
}

/* The DISCONNECT a broker sends before closing (a SHOULD) never arrives. */
static void drop_disconnect(struct fp_conn *c, struct fp_pkt *k)
{
	if (!(fp_v5(c) && k->p.type == MQTT_DISCONNECT))
		fp_forward(c, k);
}

/* No Local ignored: a client's own QoS 0 PUBLISH comes back to it on a
 * subscription whose options say No Local (bit 2). */
/* The server's DISCONNECT followed by a PINGRESP on the same connection. */
static void packet_after_disconnect(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (fp_v5(c) && k->p.type == MQTT_DISCONNECT)
		fp_send_bytes(c, (const uint8_t[]){0xd0, 0x00}, 2);
}

/* After a PUBREC of 0x80 or more, the next PUBREC for that id carries the
 * same refusal: the new PUBLISH answered as the refused one. c->n holds
 * 1 << 31 | code << 16 | id of the last refusal. */
static void refused_id_repeated(struct fp_conn *c, struct fp_pkt *k)
{
	bool pubrec = fp_v5(c) && k->p.type == MQTT_PUBREC;
	if (pubrec && k->p.reason_code >= 0x80) {
		c->n = 1u << 31 | (unsigned)k->p.reason_code << 16 | k->p.packet_id;
	} else if (pubrec && (c->n >> 31) && (c->n & 0xffff) == k->p.packet_id) {
		k->p.has_reason_code = true;
		k->p.reason_code = (uint8_t)(c->n >> 16);
		c->n = 0;
		fp_send(c, &k->p);
		return;
	}
	fp_forward(c, k);
}

static void no_local_ignored(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_PUBLISH || ((p->flags >> MQTT_PF_QOS_SHIFT) & 3) != 0)
		return;
	for (size_t i = 0; i < c->nsubs; i++) {
		const struct fp_sub *s = &c->subs[i];
		if (s->active && (s->options & 0x04) &&
		    mqtt_topic_match((const uint8_t *)s->filter, strlen(s->filter), p->topic.s.p, p->topic.s.n)) {
			fp_send_to(c, p);
			return;
		}
	}
}

/* The Retain Handling of the active subscription of `c` that matches `t`
 * (bits 4-5 of its options), or -1 when none does. */
static int retain_handling(const struct fp_conn *c, struct mqtt_slice t)
{
	for (size_t i = 0; i < c->nsubs; i++) {
		const struct fp_sub *s = &c->subs[i];
		if (s->active && mqtt_topic_match((const uint8_t *)s->filter, strlen(s->filter), t.p, t.n))
			return (s->options >> 4) & 3;
	}
	return -1;
}

/* Retain Handling 0 ignored: retained messages (RETAIN 1) to a client
 * whose matching subscription says 0, send them on subscribing, dropped. */
static void rh0_ignored(struct fp_conn *c, struct fp_pkt *k)
{
	bool drop = fp_v5(c) && k->p.type == MQTT_PUBLISH && (k->p.flags & MQTT_PF_RETAIN) &&
		    retain_handling(c, k->p.topic.s) == 0;
	if (!drop)
		fp_forward(c, k);
}

/* Retain Handling 2 ignored: a SUBSCRIBE of a wildcard-free filter with
 * Retain Handling 2 gets a retained message on that topic at once. */
static void rh2_ignored(struct fp_conn *c, const struct mqtt_packet *p)
{
	if (!fp_v5(c) || p->type != MQTT_SUBSCRIBE)
		return;
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *e = &p->entries[i];
		if (((e->qos >> 4) & 3) != 2 || memchr(e->filter.s.p, '+', e->filter.s.n) ||
		    memchr(e->filter.s.p, '#', e->filter.s.n))
			continue;
		struct mqtt_packet r;
		mqtt_packet_init(&r, MQTT_PUBLISH);
		r.flags = MQTT_PF_RETAIN;
		r.topic = e->filter;
		r.payload = (struct mqtt_slice){(const uint8_t *)"r", 1};
		fp_send_to(c, &r);
	}
}

const struct fp_fault fp_v5_faults[] = {
	{"v5-disconnect-on-close", "5.0: every close by the broker preceded by DISCONNECT 0x8E with a Session Expiry",
	 NULL, NULL, NULL, FP_SAY_DISCONNECT},
	{"v5-rh0-ignored", "5.0: retained messages dropped where the subscription's Retain Handling is 0", rh0_ignored,
	 NULL, NULL, 0},
	{"v5-rh2-ignored", "5.0: a retained message sent at once on a Retain Handling 2 SUBSCRIBE", NULL, rh2_ignored,
	 NULL, 0},
	{"v5-no-local-ignored", "5.0: a client's own QoS 0 PUBLISH sent back on its No Local subscription", NULL,
	 no_local_ignored, NULL, 0},
	{"v5-connack-rc", "5.0: an accepting CONNACK's reason code becomes 0x03", connack_rc, NULL, NULL, 0},
	{"v5-puback-rc", "5.0: PUBACK with reason code 0x01", puback_rc, NULL, NULL, 0},
	{"v5-pubrec-rc", "5.0: PUBREC with reason code 0x01", pubrec_rc, NULL, NULL, 0},
	{"v5-pubrel-rc", "5.0: PUBREL with reason code 0x01", pubrel_rc, NULL, NULL, 0},
	{"v5-pubcomp-rc", "5.0: PUBCOMP with reason code 0x01", pubcomp_rc, NULL, NULL, 0},
	{"v5-suback-rc", "5.0: SUBACK's first code becomes 0x03", suback_rc, NULL, NULL, 0},
	{"v5-unsuback-rc", "5.0: UNSUBACK's first code becomes 0x01", unsuback_rc, NULL, NULL, 0},
	{"v5-unsuback-short", "5.0: UNSUBACK with one code fewer than filters", unsuback_short, NULL, NULL, 0},
	{"v5-disconnect-rc", "5.0: a server DISCONNECT with reason code 0x03", disconnect_rc, NULL, NULL, 0},
	{"v5-publish-prop-misplaced", "5.0: an Assigned Client Identifier in every PUBLISH", publish_prop_misplaced,
	 NULL, NULL, 0},
	{"v5-connack-prop-repeated", "5.0: Receive Maximum twice in every CONNACK", connack_prop_repeated, NULL, NULL,
	 0},
	{"v5-connack-response-info", "5.0: Response Information in every accepting CONNACK", connack_response_info,
	 NULL, NULL, 0},
	{"v5-connack-drop-assigned", "5.0: the Assigned Client Identifier left out of CONNACK", connack_drop_assigned,
	 NULL, NULL, 0},
	{"v5-publish-alias", "5.0: Topic Alias 1 on every PUBLISH", publish_alias, NULL, NULL, 0},
	{"v5-puback-reason-string", "5.0: a Reason String on every PUBACK", puback_reason_string, NULL, NULL, 0},
	{"v5-publish-pad", "5.0: 600 bytes of User Property added to every PUBLISH", publish_pad, NULL, NULL, 0},
	{"v5-drop-user-props", "5.0: User Properties stripped from PUBLISH", drop_user_props, NULL, NULL, 0},
	{"v5-reverse-user-props", "5.0: User Properties of a PUBLISH in reverse order", reverse_user_props, NULL, NULL,
	 0},
	{"v5-drop-response-topic", "5.0: Response Topic stripped from PUBLISH", drop_response_topic, NULL, NULL, 0},
	{"v5-correlation-mangle", "5.0: the last byte of Correlation Data flipped", correlation_mangle, NULL, NULL, 0},
	{"v5-drop-format", "5.0: Payload Format Indicator stripped from PUBLISH", drop_format, NULL, NULL, 0},
	{"v5-drop-content-type", "5.0: Content Type stripped from PUBLISH", drop_content_type, NULL, NULL, 0},
	{"v5-add-sub-id", "5.0: Subscription Identifier 7777 added to every PUBLISH", add_sub_id, NULL, NULL, 0},
	{"v5-qos1-twice", "5.0: each QoS 1 PUBLISH sent again under another packet id", qos1_twice, NULL, NULL, 0},
	{"v5-drop-sub-id", "5.0: Subscription Identifiers stripped from PUBLISH", drop_sub_id, NULL, NULL, 0},
	{"v5-expiry-longer", "5.0: Message Expiry Interval forwarded 100 s longer", expiry_longer, NULL, NULL, 0},
	{"v5-expiry-stripped", "5.0: Message Expiry Interval stripped from forwarded PUBLISH", drop_expiry, NULL, NULL,
	 0},
	{"v5-keep-open", "5.0: a client never closed because the broker closed it", NULL, NULL, NULL,
	 FP_KEEP_OPEN_V5},
	{"v5-acks-short", "5.0: acks of code 0 without properties in the short form (permitted)", acks_short, NULL,
	 NULL, 0},
	{"v5-drop-disconnect", "5.0: the server's DISCONNECT before a close dropped (a SHOULD)", drop_disconnect, NULL,
	 NULL, 0},
	{"v5-packet-after-disconnect", "5.0: a PINGRESP sent after the server's DISCONNECT", packet_after_disconnect,
	 NULL, NULL, 0},
	{"v5-refused-id-repeated", "5.0: after a refusing PUBREC, the id's next PUBREC repeats the refusal",
	 refused_id_repeated, NULL, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
