/*
 * fault_proxy_v5_forms.c - faults in the encoding of 5.0 packets the
 * broker sends: a PUBLISH's Remaining Length longer than it needs, a
 * Response Topic with a wildcard, a Topic Name with one, property strings
 * of ill-formed UTF-8; acks made long by a Reason String or a User
 * Property of 300 bytes, or given a Reason String that is not UTF-8.
 * Each touches only connections whose CONNECT spoke 5.0, and only a
 * PUBLISH that has the property it breaks. Pins: tests/faults/5.0/.
 */
#include <string.h>

#include "codec/mqtt_prop.h"
#include "codec/mqtt_varint.h"
#include "tests/tools/fault_proxy.h"

static bool is_publish(const struct fp_conn *c, const struct fp_pkt *k)
{
	return fp_v5(c) && k->p.type == MQTT_PUBLISH;
}

/* The Remaining Length in one byte more than its value needs (MQTT-1.5.5-1). */
static void rl_padded(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = is_publish(c, k) && mqtt_vbi_size(k->p.remaining_length) < 4;
	if (!hit) {
		fp_forward(c, k);
		return;
	}
	k->p.rl_bytes = (uint8_t)(mqtt_vbi_size(k->p.remaining_length) + 1);
	fp_send_exact(c, &k->p);
}

/* A CONNACK without its Property Length (and so without properties):
 * `20 02 00 00`, 3.1.1's form, on a 5.0 connection (MQTT-2.2.2-1). Only to
 * a client id ending "plen" (connack5-property-length-present's), since
 * every other case would break on the same CONNACK for its own clauses. */
static void connack_no_props(struct fp_conn *c, struct fp_pkt *k)
{
	size_t n = strlen(c->client_id);
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && n >= 4 && strcmp(c->client_id + n - 4, "plen") == 0;
	if (!hit) {
		fp_forward(c, k);
		return;
	}
	k->p.props.count = 0;
	k->p.props.present = false;
	fp_send_exact(c, &k->p);
}

/* One property's string replaced (its value, for a User Property); a
 * string rule of its own then breaks, not the UTF-8 one of 1.5.4. */
static void string_bad(struct fp_conn *c, struct fp_pkt *k, const char *key, const char *bad)
{
	struct mqtt_prop *p = is_publish(c, k) ? mqtt_props_get(&k->p.props, key) : NULL;
	if (p) {
		struct mqtt_str *s = strcmp(key, "user_property") == 0 ? &p->value : &p->str;
		s->s = (struct mqtt_slice){(const uint8_t *)bad, strlen(bad)};
	}
	fp_send_if(c, k, p != NULL);
}

static void response_topic_wild(struct fp_conn *c, struct fp_pkt *k) { string_bad(c, k, "response_topic", "re/#"); }
/* Ill-formed UTF-8: a byte never used in it, an encoded surrogate. */
static void response_topic_utf8(struct fp_conn *c, struct fp_pkt *k) { string_bad(c, k, "response_topic", "re\xff"); }
static void content_type_utf8(struct fp_conn *c, struct fp_pkt *k) { string_bad(c, k, "content_type", "t\xed\xa0\x80"); }
static void user_property_utf8(struct fp_conn *c, struct fp_pkt *k) { string_bad(c, k, "user_property", "v\xff"); }

/* A delivered PUBLISH that carries a Content Type (few cases send one)
 * gets the Topic Name `t`. */
static void topic_set(struct fp_conn *c, struct fp_pkt *k, const char *t)
{
	bool hit = is_publish(c, k) && k->p.topic.s.n > 0 && mqtt_props_get(&k->p.props, "content_type") &&
		   !mqtt_props_get(&k->p.props, "topic_alias");
	if (hit)
		k->p.topic.s = (struct mqtt_slice){(const uint8_t *)t, strlen(t)};
	fp_send_if(c, k, hit);
}

static void topic_wild(struct fp_conn *c, struct fp_pkt *k) { topic_set(c, k, "a/+"); }
static void topic_empty(struct fp_conn *c, struct fp_pkt *k) { topic_set(c, k, ""); }

/* The packets that may carry a Reason String and User Properties. */
static bool is_answer(const struct fp_conn *c, const struct fp_pkt *k)
{
	switch (k->p.type) {
	case MQTT_CONNACK:
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
	case MQTT_DISCONNECT:
		return fp_v5(c);
	default:
		return false;
	}
}

#define LONG_TEXT "long-text-long-text-long-text-long-text-long-text-"
static const char long_text[] = LONG_TEXT LONG_TEXT LONG_TEXT LONG_TEXT LONG_TEXT LONG_TEXT;

/* One more property on every answer, its string (and value) `t`: a short
 * form gets its reason code (0x00) and a property block. */
static void answer_prop(struct fp_conn *c, struct fp_pkt *k, const char *key, struct mqtt_slice t)
{
	bool hit = is_answer(c, k) && k->p.props.count < MQTT_MAX_PROPS;
	if (hit) {
		struct mqtt_prop *p = mqtt_props_add(&k->p.props, key);
		p->str.s = t;
		p->value.s = t;
		k->p.props.present = true;
		k->p.has_reason_code = true;
	}
	fp_send_if(c, k, hit);
}

/* In place of a PUBACK or PUBREC: DISCONNECT 0x9B (QoS not supported) and
 * the close, though the CONNACK announced no Maximum QoS. */
static void qos_not_supported(struct fp_conn *c, struct fp_pkt *k)
{
	if (!fp_v5(c) || (k->p.type != MQTT_PUBACK && k->p.type != MQTT_PUBREC)) {
		fp_forward(c, k);
		return;
	}
	struct mqtt_packet d;
	mqtt_packet_init(&d, MQTT_DISCONNECT);
	d.has_reason_code = true;
	d.reason_code = 0x9B;
	d.props.present = true;
	fp_send(c, &d);
	fp_close_after(c, 200.0); /* the DISCONNECT goes out first */
}

/* An accepting CONNACK announces a capability the broker does not lower:
 * `key` = 0 or 1 is added where the CONNACK has none. */
static void announce(struct fp_conn *c, struct fp_pkt *k, const char *key, uint32_t v)
{
	bool hit = fp_v5(c) && k->p.type == MQTT_CONNACK && k->p.return_code == 0 &&
		   !mqtt_props_get(&k->p.props, key) && k->p.props.count < MQTT_MAX_PROPS;
	if (hit)
		mqtt_props_add(&k->p.props, key)->num = v;
	fp_send_if(c, k, hit);
}

static void announce_qos1(struct fp_conn *c, struct fp_pkt *k) { announce(c, k, "maximum_qos", 1); }

/* Maximum QoS 1 announced, and a SUBSCRIBE for QoS 2 refused (0x80) where
 * the broker would have granted it. */
static void qos1_refuses_subscribe(struct fp_conn *c, struct fp_pkt *k)
{
	if (!fp_v5(c) || k->p.type != MQTT_SUBACK) {
		announce_qos1(c, k);
		return;
	}
	bool hit = false;
	for (size_t i = 0; i < k->p.code_count; i++)
		if (k->p.codes[i] == 2) {
			k->p.codes[i] = 0x80;
			hit = true;
		}
	fp_send_if(c, k, hit);
}
static void announce_no_retain(struct fp_conn *c, struct fp_pkt *k) { announce(c, k, "retain_available", 0); }

static void answer_long(struct fp_conn *c, struct fp_pkt *k, const char *key)
{
	answer_prop(c, k, key, (struct mqtt_slice){(const uint8_t *)long_text, sizeof long_text - 1});
}

static void answer_reason_long(struct fp_conn *c, struct fp_pkt *k) { answer_long(c, k, "reason_string"); }
static void answer_user_long(struct fp_conn *c, struct fp_pkt *k) { answer_long(c, k, "user_property"); }
/* A Reason String, a string with no statement of its own: the general rules of 1.5.4. */
static void answer_reason_utf8(struct fp_conn *c, struct fp_pkt *k)
{
	answer_prop(c, k, "reason_string", (struct mqtt_slice){(const uint8_t *)"no\xff", 3});
}
static void answer_reason_nul(struct fp_conn *c, struct fp_pkt *k)
{
	answer_prop(c, k, "reason_string", (struct mqtt_slice){(const uint8_t *)"no\0", 3});
}

const struct fp_fault fp_v5_form_faults[] = {
	{"v5-connack-no-props", "5.0: the CONNACK to a client id ending \"plen\" sent without its Property Length (the 3.1.1 form)", connack_no_props,
	 NULL, NULL, 0},
	{"v5-ack-reason-string-long", "5.0: every ack, CONNACK and DISCONNECT gains a Reason String of 300 bytes",
	 answer_reason_long, NULL, NULL, 0},
	{"v5-ack-user-property-long", "5.0: every ack, CONNACK and DISCONNECT gains a User Property of 300 bytes",
	 answer_user_long, NULL, NULL, 0},
	{"v5-ack-reason-string-bad-utf8", "5.0: every ack, CONNACK and DISCONNECT gains a Reason String of ill-formed UTF-8",
	 answer_reason_utf8, NULL, NULL, 0},
	{"v5-ack-reason-string-nul", "5.0: every ack, CONNACK and DISCONNECT gains a Reason String holding U+0000",
	 answer_reason_nul, NULL, NULL, 0},
	{"v5-response-topic-bad-utf8", "5.0: a delivered Response Topic becomes ill-formed UTF-8", response_topic_utf8,
	 NULL, NULL, 0},
	{"v5-content-type-bad-utf8", "5.0: a delivered Content Type becomes ill-formed UTF-8 (a surrogate)",
	 content_type_utf8, NULL, NULL, 0},
	{"v5-user-property-bad-utf8", "5.0: a delivered User Property's value becomes ill-formed UTF-8",
	 user_property_utf8, NULL, NULL, 0},
	{"v5-ack-qos-not-supported", "5.0: DISCONNECT 0x9B (QoS not supported) in place of a PUBACK or PUBREC", qos_not_supported,
	 NULL, NULL, 0},
	{"v5-announce-max-qos-1", "5.0: an accepting CONNACK says Maximum QoS 1, though the broker takes QoS 2",
	 announce_qos1, NULL, NULL, 0},
	{"v5-max-qos-1-refuses-subscribe",
	 "5.0: an accepting CONNACK says Maximum QoS 1, and a SUBACK refuses (0x80) what it would grant at QoS 2",
	 qos1_refuses_subscribe, NULL, NULL, 0},
	{"v5-announce-retain-unavailable",
	 "5.0: an accepting CONNACK says Retain Available 0, though the broker keeps retained messages",
	 announce_no_retain, NULL, NULL, 0},
	{"v5-topic-empty", "5.0: a delivered PUBLISH with a Content Type gets an empty Topic Name, and no Topic Alias",
	 topic_empty, NULL, NULL, 0},
	{"v5-topic-wildcard", "5.0: a delivered PUBLISH with a Content Type gets the Topic Name \"a/+\"", topic_wild, NULL, NULL, 0},
	{"v5-publish-rl-padded", "5.0: a PUBLISH's Remaining Length in one byte more than it needs", rl_padded, NULL,
	 NULL, 0},
	{"v5-response-topic-wildcard", "5.0: a delivered Response Topic becomes \"re/#\"", response_topic_wild, NULL,
	 NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
