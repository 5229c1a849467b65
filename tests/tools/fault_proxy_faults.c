/*
 * fault_proxy_faults.c - the faults of build/fault-proxy: each one makes
 * the broker appear to break some rule, so the suite must FAIL the clauses
 * that rule belongs to (the pins in tests/faults/NAME.txt).
 *
 * A fault is a to_client hook (and rarely a from_client one) that gets every
 * packet the broker sends and decides what the client sees: see
 * fault_proxy.h. To add one: write the function, add a row to the table at
 * the end, add tests/faults/NAME.txt. The pre-flight connection never
 * reaches a hook. Faults that make up deliveries: fault_proxy_inject.c.
 */
#include <string.h>

#include "codec/mqtt_encode.h"
#include "tests/tools/fault_proxy.h"

#define REORDER_HOLD_MS 300.0 /* well inside every expectation window */
#define CONNACK_HOLD_MS 200.0

static unsigned qos_of(const struct mqtt_packet *p)
{
	return (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
}

static void drop_type(struct fp_conn *c, struct fp_pkt *k, enum mqtt_type t)
{
	if (k->p.type != t)
		fp_forward(c, k);
}

static void bump_id(struct fp_conn *c, struct fp_pkt *k, enum mqtt_type t)
{
	bool hit = k->p.type == t;
	if (hit)
		k->p.packet_id = k->p.packet_id == 0xFFFF ? 1 : k->p.packet_id + 1;
	fp_send_if(c, k, hit);
}

/* ---- acknowledgements ---- */

static void drop_puback(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_PUBACK); }
static void drop_pubrec(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_PUBREC); }
static void drop_pubrel(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_PUBREL); }
static void drop_pubcomp(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_PUBCOMP); }
static void drop_suback(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_SUBACK); }
static void drop_unsuback(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_UNSUBACK); }
static void drop_pingresp(struct fp_conn *c, struct fp_pkt *k) { drop_type(c, k, MQTT_PINGRESP); }
static void puback_wrong_id(struct fp_conn *c, struct fp_pkt *k) { bump_id(c, k, MQTT_PUBACK); }
static void pubrec_wrong_id(struct fp_conn *c, struct fp_pkt *k) { bump_id(c, k, MQTT_PUBREC); }
static void pubrel_wrong_id(struct fp_conn *c, struct fp_pkt *k) { bump_id(c, k, MQTT_PUBREL); }
static void pubcomp_wrong_id(struct fp_conn *c, struct fp_pkt *k) { bump_id(c, k, MQTT_PUBCOMP); }
static void suback_wrong_id(struct fp_conn *c, struct fp_pkt *k) { bump_id(c, k, MQTT_SUBACK); }
static void unsuback_wrong_id(struct fp_conn *c, struct fp_pkt *k) { bump_id(c, k, MQTT_UNSUBACK); }

static void pubrel_flags_zero(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBREL;
	if (hit)
		k->p.flags = 0;
	fp_send_if(c, k, hit);
}

/* A reserved flag bit set on an acknowledgement whose flags must be 0. */
static void puback_flags(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBACK;
	if (hit)
		k->p.flags = 0x1;
	fp_send_if(c, k, hit);
}

/* PINGRESP with one byte of body: its length must be 0. */
static void pingresp_long(struct fp_conn *c, struct fp_pkt *k)
{
	static const uint8_t bad[] = {0xD0, 0x01, 0x00};
	if (k->p.type == MQTT_PINGRESP)
		fp_send_bytes(c, bad, sizeof bad);
	else
		fp_forward(c, k);
}

/* PUBACK whose Remaining Length takes 5 bytes (at most 4 are allowed). */
static void puback_length_5(struct fp_conn *c, struct fp_pkt *k)
{
	uint8_t out[16];
	k->p.rl_bytes = 5;
	int n = k->p.type == MQTT_PUBACK ? mqtt_encode(MQTT_V311, &k->p, out, sizeof out) : -1;
	if (n > 0)
		fp_send_bytes(c, out, (size_t)n);
	else
		fp_forward(c, k);
}

/* ---- SUBACK ---- */

/* Raise a granted QoS 0 or 1 to 2: more than any request below 2. */
static void suback_qos_up(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = false;
	for (size_t i = 0; k->p.type == MQTT_SUBACK && i < k->p.code_count; i++)
		if (k->p.codes[i] < 2) {
			k->p.codes[i] = 2;
			hit = true;
		}
	fp_send_if(c, k, hit);
}

static void suback_code_reserved(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_SUBACK && k->p.code_count > 0;
	if (hit)
		k->p.codes[0] = 0x03;
	fp_send_if(c, k, hit);
}

static void suback_extra_code(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_SUBACK && k->p.code_count > 0 && k->p.code_count < MQTT_MAX_ENTRIES;
	if (hit)
		k->p.codes[k->p.code_count++] = k->p.codes[0];
	fp_send_if(c, k, hit);
}

/* Return codes in reverse order: wrong whenever they differ. */
static void suback_reverse(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_SUBACK;
	for (size_t i = 0, j = k->p.code_count; hit && i + 1 < j; i++, j--) {
		uint8_t t = k->p.codes[i];
		k->p.codes[i] = k->p.codes[j - 1];
		k->p.codes[j - 1] = t;
	}
	fp_send_if(c, k, hit);
}

/* ---- CONNACK ---- */

/* Accepted becomes "not authorized" (Session Present cleared, as that
 * code requires) and refused becomes accepted. */
static void connack_rc_flip(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_CONNACK;
	if (hit && k->p.return_code == 0) {
		k->p.return_code = 5;
		k->p.ack_flags = 0;
	} else if (hit) {
		k->p.return_code = 0;
	}
	fp_send_if(c, k, hit);
}

static void connack_sp_set(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_CONNACK && k->p.return_code == 0;
	if (hit)
		k->p.ack_flags |= 1;
	fp_send_if(c, k, hit);
}

static void connack_sp_clear(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_CONNACK;
	if (hit)
		k->p.ack_flags &= (uint8_t)~1u;
	fp_send_if(c, k, hit);
}

static void connack_sp_on_error(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_CONNACK && k->p.return_code != 0;
	if (hit)
		k->p.ack_flags |= 1;
	fp_send_if(c, k, hit);
}

static void connack_reserved_bits(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_CONNACK;
	if (hit)
		k->p.ack_flags |= 0x02;
	fp_send_if(c, k, hit);
}

static void connack_rc_reserved(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_CONNACK && k->p.return_code != 0;
	if (hit)
		k->p.return_code = 6;
	fp_send_if(c, k, hit);
}

/* After CONNACK, a packet of reserved type 15 (f0 00). */
static void garbage(struct fp_conn *c, struct fp_pkt *k)
{
	static const uint8_t bad[] = {0xF0, 0x00};
	fp_forward(c, k);
	if (k->p.type == MQTT_CONNACK)
		fp_send_bytes(c, bad, sizeof bad);
}

/* Before each PINGRESP, a PINGREQ: a packet only a client may send. */
static void server_pingreq(struct fp_conn *c, struct fp_pkt *k)
{
	static const uint8_t ping[] = {0xC0, 0x00};
	if (k->p.type == MQTT_PINGRESP)
		fp_send_bytes(c, ping, sizeof ping);
	fp_forward(c, k);
}

/* ---- PUBLISH header ---- */

static void publish_flags(struct fp_conn *c, struct fp_pkt *k, uint8_t set, uint8_t clear, int only_qos)
{
	bool hit = k->p.type == MQTT_PUBLISH && (only_qos < 0 || qos_of(&k->p) == (unsigned)only_qos);
	if (hit)
		k->p.flags = (uint8_t)((k->p.flags | set) & ~clear);
	fp_send_if(c, k, hit);
}

static void retain_set(struct fp_conn *c, struct fp_pkt *k) { publish_flags(c, k, MQTT_PF_RETAIN, 0, -1); }
static void retain_clear(struct fp_conn *c, struct fp_pkt *k) { publish_flags(c, k, 0, MQTT_PF_RETAIN, -1); }
static void dup_clear(struct fp_conn *c, struct fp_pkt *k) { publish_flags(c, k, 0, MQTT_PF_DUP, -1); }
static void dup_set_qos0(struct fp_conn *c, struct fp_pkt *k) { publish_flags(c, k, MQTT_PF_DUP, 0, 0); }

/* A Packet Identifier written into a QoS 0 PUBLISH (the QoS stays 0): to the
 * client it reads as two extra payload bytes, which no check of the QoS or
 * the DUP flag can see. */
static void qos0_with_id(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 0;
	if (hit) {
		k->p.has_packet_id = true;
		k->p.packet_id = 7;
	}
	fp_send_if(c, k, hit);
}

/* DUP 1 on a first delivery: DUP must come from the broker's own re-send
 * state, never be set on a new message. */
static void dup_set(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBLISH && qos_of(&k->p) > 0;
	if (hit)
		k->p.flags |= MQTT_PF_DUP;
	fp_send_if(c, k, hit);
}

/* QoS 1 or 2 delivered as QoS 0: no packet id, no DUP (a QoS 0 DUP would
 * break another rule). */
static void qos_down(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBLISH && qos_of(&k->p) > 0;
	if (hit) {
		k->p.flags &= (uint8_t)~(MQTT_PF_DUP | 3u << MQTT_PF_QOS_SHIFT);
		k->p.has_packet_id = false;
	}
	fp_send_if(c, k, hit);
}

/* QoS 0 delivered as QoS 1, with an id of its own. */
static void qos_up(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 0;
	if (hit) {
		k->p.flags |= 1u << MQTT_PF_QOS_SHIFT;
		k->p.has_packet_id = true;
		k->p.packet_id = (uint16_t)(60000 + c->n++ % 5000);
	}
	fp_send_if(c, k, hit);
}

/* QoS bits 11, with a packet id so the packet still parses. */
static void publish_qos3(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBLISH;
	if (hit && !k->p.has_packet_id) {
		k->p.has_packet_id = true;
		k->p.packet_id = 1;
	}
	if (hit)
		k->p.flags |= 3u << MQTT_PF_QOS_SHIFT;
	fp_send_if(c, k, hit);
}

static void publish_id_zero(struct fp_conn *c, struct fp_pkt *k)
{
	bool hit = k->p.type == MQTT_PUBLISH && qos_of(&k->p) > 0;
	if (hit)
		k->p.packet_id = 0;
	fp_send_if(c, k, hit);
}

/* ---- PUBLISH topic and payload ---- */

static void topic_mangle(struct fp_conn *c, struct fp_pkt *k)
{
	static uint8_t t[65535];
	size_t n = k->p.topic.s.n;
	if (k->p.type != MQTT_PUBLISH || n + 1 > sizeof t) {
		fp_forward(c, k);
		return;
	}
	memcpy(t, k->p.topic.s.p, n);
	t[n] = 'x';
	k->p.topic.s = (struct mqtt_slice){t, n + 1};
	fp_send(c, &k->p);
}

/* Before each PINGRESP, an extra QoS 0 PUBLISH whose topic breaks a rule:
 * the decoder must charge it to its clause. Riding on PINGRESP keeps every
 * other check of the suite undisturbed (the client never waits for it). */
static void publish_before_pingresp(struct fp_conn *c, struct fp_pkt *k, const char *topic, size_t n)
{
	if (k->p.type == MQTT_PINGRESP) {
		struct mqtt_packet p;
		mqtt_packet_init(&p, MQTT_PUBLISH);
		p.topic.present = true;
		p.topic.s = (struct mqtt_slice){(const uint8_t *)topic, n};
		p.payload = (struct mqtt_slice){(const uint8_t *)"x", 1};
		fp_send(c, &p);
	}
	fp_forward(c, k);
}

static void bad_topic_nul(struct fp_conn *c, struct fp_pkt *k) { publish_before_pingresp(c, k, "a\0b", 3); }
static void bad_topic_utf8(struct fp_conn *c, struct fp_pkt *k) { publish_before_pingresp(c, k, "a\xC0\xAF", 3); }
static void bad_topic_wildcard(struct fp_conn *c, struct fp_pkt *k) { publish_before_pingresp(c, k, "a/+", 3); }
static void bad_topic_empty(struct fp_conn *c, struct fp_pkt *k) { publish_before_pingresp(c, k, "", 0); }

/* Strip every U+FEFF (EF BB BF) from the topic. */
static void topic_strip_bom(struct fp_conn *c, struct fp_pkt *k)
{
	static uint8_t t[65535];
	size_t n = 0;
	const struct mqtt_slice s = k->p.topic.s;
	for (size_t i = 0; k->p.type == MQTT_PUBLISH && i < s.n; i++) {
		if (i + 2 < s.n && s.p[i] == 0xEF && s.p[i + 1] == 0xBB && s.p[i + 2] == 0xBF)
			i += 2;
		else
			t[n++] = s.p[i];
	}
	bool hit = k->p.type == MQTT_PUBLISH && n != s.n;
	if (hit)
		k->p.topic.s = (struct mqtt_slice){t, n};
	fp_send_if(c, k, hit);
}

static void payload_mangle(struct fp_conn *c, struct fp_pkt *k)
{
	static uint8_t b[FP_HOLD_CAP];
	bool hit = k->p.type == MQTT_PUBLISH && k->p.payload.n > 0 && k->p.payload.n <= sizeof b;
	if (hit) {
		memcpy(b, k->p.payload.p, k->p.payload.n);
		b[0] ^= 0x01; /* "hello" -> "iello": easy to spot in a report */
		k->p.payload.p = b;
	}
	fp_send_if(c, k, hit);
}

/* ---- PUBLISH delivery ---- */

static void drop_will(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBLISH || !fp_is_will_topic(c->px, k->p.topic.s))
		fp_forward(c, k);
}

static void drop_retained(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBLISH || !(k->p.flags & MQTT_PF_RETAIN))
		fp_forward(c, k);
}

/* Drops re-deliveries (DUP=1): what a lost session would look like. */
static void drop_redelivery(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBLISH || !(k->p.flags & MQTT_PF_DUP))
		fp_forward(c, k);
}

static void duplicate_publish(struct fp_conn *c, struct fp_pkt *k)
{
	fp_forward(c, k);
	if (k->p.type == MQTT_PUBLISH && qos_of(&k->p) == 0)
		fp_forward(c, k);
}

/* CONNACK held back until the broker's next packet has gone out (or
 * CONNACK_HOLD_MS): a queued message then arrives before the CONNACK. */
static void connack_late(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type == MQTT_CONNACK) {
		fp_hold(c, k, CONNACK_HOLD_MS);
		return;
	}
	fp_forward(c, k);
	fp_release(c);
}

/* Swap each pair of PUBLISHes; a lone one goes out after REORDER_HOLD_MS. */
static void reorder_publish(struct fp_conn *c, struct fp_pkt *k)
{
	if (k->p.type != MQTT_PUBLISH) {
		fp_forward(c, k);
	} else if (fp_holding(c)) {
		fp_forward(c, k);
		fp_release(c);
	} else {
		fp_hold(c, k, REORDER_HOLD_MS);
	}
}

const struct fp_fault fp_packet_faults[] = {
	{"none", "relay faithfully", NULL, NULL, NULL, 0},
	{"keep-open", "never close a client because the broker closed it", NULL, NULL, NULL, FP_KEEP_OPEN},
	{"drop-puback", "swallow every PUBACK", drop_puback, NULL, NULL, 0},
	{"drop-pubrec", "swallow every PUBREC", drop_pubrec, NULL, NULL, 0},
	{"drop-pubrel", "swallow every PUBREL", drop_pubrel, NULL, NULL, 0},
	{"drop-pubcomp", "swallow every PUBCOMP", drop_pubcomp, NULL, NULL, 0},
	{"drop-suback", "swallow every SUBACK", drop_suback, NULL, NULL, 0},
	{"drop-unsuback", "swallow every UNSUBACK", drop_unsuback, NULL, NULL, 0},
	{"drop-pingresp", "swallow every PINGRESP", drop_pingresp, NULL, NULL, 0},
	{"puback-wrong-id", "PUBACK packet id + 1", puback_wrong_id, NULL, NULL, 0},
	{"pubrec-wrong-id", "PUBREC packet id + 1", pubrec_wrong_id, NULL, NULL, 0},
	{"pubrel-wrong-id", "PUBREL packet id + 1", pubrel_wrong_id, NULL, NULL, 0},
	{"pubcomp-wrong-id", "PUBCOMP packet id + 1", pubcomp_wrong_id, NULL, NULL, 0},
	{"suback-wrong-id", "SUBACK packet id + 1", suback_wrong_id, NULL, NULL, 0},
	{"unsuback-wrong-id", "UNSUBACK packet id + 1", unsuback_wrong_id, NULL, NULL, 0},
	{"pubrel-flags-zero", "PUBREL with header flags 0 instead of 2", pubrel_flags_zero, NULL, NULL, 0},
	{"puback-flags", "PUBACK with header flags 1 instead of 0", puback_flags, NULL, NULL, 0},
	{"pingresp-long", "PINGRESP with a 1-byte body", pingresp_long, NULL, NULL, 0},
	{"puback-length-5", "PUBACK whose Remaining Length takes 5 bytes", puback_length_5, NULL, NULL, 0},
	{"suback-qos-up", "SUBACK grants QoS 2 where it granted 0 or 1", suback_qos_up, NULL, NULL, 0},
	{"suback-code-reserved", "SUBACK's first return code becomes 0x03", suback_code_reserved, NULL, NULL, 0},
	{"suback-extra-code", "SUBACK gets one return code too many", suback_extra_code, NULL, NULL, 0},
	{"suback-reverse", "SUBACK return codes in reverse order", suback_reverse, NULL, NULL, 0},
	{"connack-rc-flip", "CONNACK: accepted becomes 0x05, refused becomes 0", connack_rc_flip, NULL, NULL, 0},
	{"connack-sp-set", "Session Present 1 on every accepting CONNACK", connack_sp_set, NULL, NULL, 0},
	{"connack-sp-clear", "Session Present 0 on every CONNACK", connack_sp_clear, NULL, NULL, 0},
	{"connack-sp-on-error", "Session Present 1 on every refusing CONNACK", connack_sp_on_error, NULL, NULL, 0},
	{"connack-reserved-bits", "CONNACK acknowledge flags get bit 1 (reserved)", connack_reserved_bits, NULL, NULL, 0},
	{"connack-rc-reserved", "refusing CONNACKs use return code 6 (reserved)", connack_rc_reserved, NULL, NULL, 0},
	{"garbage", "after CONNACK, a packet of reserved type 15 (f0 00)", garbage, NULL, NULL, 0},
	{"server-pingreq", "before each PINGRESP, a PINGREQ (a client-only type)", server_pingreq, NULL, NULL, 0},
	{"retain-set", "RETAIN 1 on every PUBLISH to a client", retain_set, NULL, NULL, 0},
	{"retain-clear", "RETAIN 0 on every PUBLISH to a client", retain_clear, NULL, NULL, 0},
	{"dup-clear", "DUP 0 on every PUBLISH to a client", dup_clear, NULL, NULL, 0},
	{"dup-set", "DUP 1 on every QoS 1 and 2 PUBLISH to a client", dup_set, NULL, NULL, 0},
	{"dup-set-qos0", "DUP 1 on every QoS 0 PUBLISH to a client", dup_set_qos0, NULL, NULL, 0},
	{"qos0-with-id", "a Packet Identifier in every QoS 0 PUBLISH to a client", qos0_with_id, NULL, NULL, 0},
	{"qos-down", "QoS 1 and 2 PUBLISH delivered at QoS 0", qos_down, NULL, NULL, 0},
	{"qos-up", "QoS 0 PUBLISH delivered at QoS 1", qos_up, NULL, NULL, 0},
	{"publish-qos3", "PUBLISH with QoS bits 11", publish_qos3, NULL, NULL, 0},
	{"publish-id-zero", "QoS 1 and 2 PUBLISH with packet id 0", publish_id_zero, NULL, NULL, 0},
	{"topic-mangle", "append \"x\" to the topic of PUBLISH to a client", topic_mangle, NULL, NULL, 0},
	{"bad-topic-nul", "before each PINGRESP, a PUBLISH whose topic holds U+0000", bad_topic_nul, NULL, NULL, 0},
	{"bad-topic-utf8", "before each PINGRESP, a PUBLISH whose topic is ill-formed UTF-8", bad_topic_utf8, NULL, NULL, 0},
	{"bad-topic-wildcard", "before each PINGRESP, a PUBLISH to topic \"a/+\"", bad_topic_wildcard, NULL, NULL, 0},
	{"bad-topic-empty", "before each PINGRESP, a PUBLISH with an empty topic", bad_topic_empty, NULL, NULL, 0},
	{"topic-strip-bom", "remove U+FEFF from topics of PUBLISH to a client", topic_strip_bom, NULL, NULL, 0},
	{"payload-mangle", "flip the low bit of the first payload byte", payload_mangle, NULL, NULL, 0},
	{"drop-will", "drop PUBLISH on a topic some CONNECT named as Will topic", drop_will, NULL, NULL, 0},
	{"drop-retained", "drop PUBLISH with RETAIN 1", drop_retained, NULL, NULL, 0},
	{"drop-redelivery", "drop PUBLISH with DUP 1 (re-deliveries)", drop_redelivery, NULL, NULL, 0},
	{"duplicate-publish", "send each QoS 0 PUBLISH twice", duplicate_publish, NULL, NULL, 0},
	{"connack-late", "CONNACK sent after the broker's next packet (or 200 ms)", connack_late, NULL, NULL, 0},
	{"reorder-publish", "swap each pair of PUBLISHes to a client", reorder_publish, NULL, NULL, 0},
	{NULL, NULL, NULL, NULL, NULL, 0},
};
