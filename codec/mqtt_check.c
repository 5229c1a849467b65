/* mqtt_check.c - semantic rules on a packet; the first violation wins. */
#include "codec/mqtt_check.h"

#include "codec/mqtt_err.h"
#include "codec/mqtt_topic.h"
#include "codec/mqtt_utf8.h"

#define TRY(expr) \
	do { \
		int try_e_ = (expr); \
		if (try_e_ < 0) \
			return try_e_; \
	} while (0)

#define VIOLATION(diag, clause, ...) \
	mqtt_err_diag((diag), MQTT_ERR_VIOLATION, 0, (clause), __VA_ARGS__)

/* Re-state a string-level problem with the field's name in front. */
static int field(struct mqtt_diag *diag, const struct mqtt_diag *inner,
		 const char *type, const char *name, size_t index)
{
	if (index == (size_t)-1)
		return VIOLATION(diag, inner->clause, "%s %s: %s", type, name,
				 inner->msg);
	return VIOLATION(diag, inner->clause, "%s %s[%zu]: %s", type, name,
			 index, inner->msg);
}

static int utf8(const struct mqtt_str *s, const char *type, const char *name,
		struct mqtt_diag *diag)
{
	struct mqtt_diag inner = {0};
	if (!s->present && s->s.n == 0)
		return 0;
	if (mqtt_utf8_check(s->s.p, s->s.n, &inner) < 0)
		return field(diag, &inner, type, name, (size_t)-1);
	return 0;
}

static int check_direction(enum mqtt_type t, enum mqtt_dir dir,
			   struct mqtt_diag *diag)
{
	bool client_only = t == MQTT_CONNECT || t == MQTT_SUBSCRIBE ||
			   t == MQTT_UNSUBSCRIBE || t == MQTT_PINGREQ ||
			   t == MQTT_DISCONNECT;
	bool server_only = t == MQTT_CONNACK || t == MQTT_SUBACK ||
			   t == MQTT_UNSUBACK || t == MQTT_PINGRESP;
	if (dir == MQTT_FROM_SERVER && client_only)
		return VIOLATION(diag, "MQTTSPEC-2.2.1-2",
				 "%s sent by the server", mqtt_type_name(t));
	if (dir == MQTT_FROM_CLIENT && server_only)
		return VIOLATION(diag, "MQTTSPEC-2.2.1-2",
				 "%s sent by the client", mqtt_type_name(t));
	return 0;
}

static int check_flags(const struct mqtt_packet *p, struct mqtt_diag *diag)
{
	int want = mqtt_type_required_flags(p->type);
	if (want < 0 || (p->flags & 0x0F) == want)
		return 0;
	const char *clause = p->type == MQTT_PUBREL	   ? "MQTT-3.6.1-1"
			     : p->type == MQTT_SUBSCRIBE   ? "MQTT-3.8.1-1"
			     : p->type == MQTT_UNSUBSCRIBE ? "MQTT-3.10.1-1"
							   : "MQTT-2.2.2-1";
	return VIOLATION(diag, clause, "%s: fixed header flags 0x%X, expected "
				       "0x%X",
			 mqtt_type_name(p->type), p->flags & 0x0F, want);
}

static int check_publish(const struct mqtt_packet *p, struct mqtt_diag *diag)
{
	unsigned qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	if (qos == 3)
		return VIOLATION(diag, "MQTT-3.3.1-4", "PUBLISH: QoS bits 11");
	if (qos == 0 && (p->flags & MQTT_PF_DUP))
		return VIOLATION(diag, "MQTT-3.3.1-2",
				 "PUBLISH: DUP set at QoS 0");
	if (qos > 0 && (!p->has_packet_id || p->packet_id == 0))
		return VIOLATION(diag, "MQTT-2.3.1-1",
				 "PUBLISH: QoS %u with packet id 0", qos);
	struct mqtt_diag inner = {0};
	if (mqtt_topic_check_name(p->topic.s.p, p->topic.s.n, &inner) < 0)
		return field(diag, &inner, "PUBLISH", "topic", (size_t)-1);
	return 0;
}

static int check_entries(const struct mqtt_packet *p, struct mqtt_diag *diag)
{
	bool sub = p->type == MQTT_SUBSCRIBE;
	const char *type = mqtt_type_name(p->type);
	if (!p->has_packet_id || p->packet_id == 0)
		return VIOLATION(diag, "MQTT-2.3.1-1", "%s: packet id 0",
				 type);
	if (p->entry_count == 0)
		return VIOLATION(diag, sub ? "MQTT-3.8.3-3" : "MQTT-3.10.3-2",
				 "%s: no topic filter", type);
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		struct mqtt_diag inner = {0};
		if (mqtt_topic_check_filter(en->filter.s.p, en->filter.s.n,
					    &inner) < 0)
			return field(diag, &inner, type, "filter", i);
		/* Upper six bits are reserved; QoS 3 does not exist. */
		if (sub && en->has_qos && (en->qos > 2))
			return VIOLATION(diag, "MQTT-3.8.3-4",
					 "SUBSCRIBE qos[%zu]: byte 0x%02X", i,
					 en->qos);
	}
	return 0;
}

static int check_suback(const struct mqtt_packet *p, struct mqtt_diag *diag)
{
	/* No code at all is not flagged here: it can only answer a SUBSCRIBE with
	 * no filter, whose real fault is not closing (MQTT-4.8.0-1); a missing code
	 * for a filter that was sent is the cases' to see (MQTT-3.8.4-5). */
	for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES; i++) {
		uint8_t c = p->codes[i];
		if (c > 2 && c != 0x80)
			return VIOLATION(diag, "MQTT-3.9.3-2",
					 "SUBACK code[%zu]: 0x%02X is reserved",
					 i, c);
	}
	return 0;
}

static int check_connack(const struct mqtt_packet *p, struct mqtt_diag *diag)
{
	if (p->ack_flags & 0xFE)
		return VIOLATION(diag, "MQTTSPEC-3.2.2-1",
				 "CONNACK: reserved ack flag bits 0x%02X",
				 p->ack_flags & 0xFE);
	if (p->return_code != 0 && (p->ack_flags & 0x01))
		return VIOLATION(diag, "MQTT-3.2.2-4",
				 "CONNACK: Session Present with return code "
				 "0x%02X",
				 p->return_code);
	if (p->return_code > 5)
		return VIOLATION(diag, "MQTTSPEC-3.2.2-2",
				 "CONNACK: return code 0x%02X is reserved",
				 p->return_code);
	return 0;
}

static int check_connect(const struct mqtt_packet *p, struct mqtt_diag *diag)
{
	uint8_t f = p->connect_flags;
	unsigned will_qos = (f >> MQTT_CF_WILL_QOS_SHIFT) & 3;
	TRY(utf8(&p->protocol_name, "CONNECT", "protocol name", diag));
	if (f & MQTT_CF_RESERVED)
		return VIOLATION(diag, "MQTT-3.1.2-3",
				 "CONNECT: reserved connect flag set");
	if (!(f & MQTT_CF_WILL) && (will_qos != 0 || (f & MQTT_CF_WILL_RETAIN)))
		return VIOLATION(diag, "MQTT-3.1.2-11",
				 "CONNECT: Will QoS %u / Retain %d without the "
				 "Will flag",
				 will_qos, (f & MQTT_CF_WILL_RETAIN) != 0);
	if (will_qos == 3)
		return VIOLATION(diag, "MQTT-3.1.2-14", "CONNECT: Will QoS 3");
	if ((f & MQTT_CF_PASSWORD) && !(f & MQTT_CF_USERNAME))
		return VIOLATION(diag, "MQTT-3.1.2-22",
				 "CONNECT: password flag without user name "
				 "flag");
	TRY(utf8(&p->client_id, "CONNECT", "client id", diag));
	if (p->will_topic.present)
		TRY(utf8(&p->will_topic, "CONNECT", "will topic", diag));
	if (p->username.present)
		TRY(utf8(&p->username, "CONNECT", "user name", diag));
	return 0;
}

int mqtt_check(const struct mqtt_packet *pkt, enum mqtt_dir dir,
	       struct mqtt_diag *diag)
{
	if (pkt->type == MQTT_RESERVED0 || pkt->type == MQTT_RESERVED15)
		return VIOLATION(diag, "MQTTSPEC-2.2.1-1",
				 "reserved packet type %u",
				 (unsigned)pkt->type);
	TRY(check_direction(pkt->type, dir, diag));
	TRY(check_flags(pkt, diag));
	switch (pkt->type) {
	case MQTT_CONNECT:
		return check_connect(pkt, diag);
	case MQTT_CONNACK:
		return check_connack(pkt, diag);
	case MQTT_PUBLISH:
		return check_publish(pkt, diag);
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		return check_entries(pkt, diag);
	case MQTT_SUBACK:
		return check_suback(pkt, diag);
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		return 0;
	}
	return VIOLATION(diag, "MQTTSPEC-2.2.1-1", "packet type %u",
			 (unsigned)pkt->type);
}
