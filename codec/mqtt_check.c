/* mqtt_check.c - semantic rules on a packet; the first violation wins. */
#include "codec/mqtt_check.h"

#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_topic.h"
#include "codec/mqtt_utf8.h"

/* Re-state a string-level problem with the field's name in front. */
int mqtt_chk_field(const struct mqtt_chk *c, const struct mqtt_diag *inner,
		   const char *type, const char *name, size_t index)
{
	if (index == (size_t)-1)
		return MQTT_VIOLATION(c, inner->rule, "%s %s: %s", type, name,
				 inner->msg);
	return MQTT_VIOLATION(c, inner->rule, "%s %s[%zu]: %s", type, name, index,
			 inner->msg);
}

int mqtt_chk_utf8(const struct mqtt_chk *c, const struct mqtt_str *s,
		  const char *type, const char *name)
{
	struct mqtt_diag inner = {0};
	if (!s->present && s->s.n == 0)
		return 0;
	if (mqtt_utf8_check(c->v, s->s.p, s->s.n, &inner) < 0)
		return mqtt_chk_field(c, &inner, type, name, (size_t)-1);
	return 0;
}

static int check_direction(const struct mqtt_chk *c, enum mqtt_type t,
			   enum mqtt_dir dir)
{
	bool client_only = t == MQTT_CONNECT || t == MQTT_SUBSCRIBE ||
			   t == MQTT_UNSUBSCRIBE || t == MQTT_PINGREQ ||
			   t == MQTT_DISCONNECT;
	bool server_only = t == MQTT_CONNACK || t == MQTT_SUBACK ||
			   t == MQTT_UNSUBACK || t == MQTT_PINGRESP;
	if (dir == MQTT_FROM_SERVER && client_only)
		return MQTT_VIOLATION(c, MQTT_RULE_DIRECTION,
				 "%s sent by the server", mqtt_type_name(t));
	if (dir == MQTT_FROM_CLIENT && server_only)
		return MQTT_VIOLATION(c, MQTT_RULE_DIRECTION,
				 "%s sent by the client", mqtt_type_name(t));
	return 0;
}

static int check_flags(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	int want = mqtt_type_required_flags(p->type);
	if (want < 0 || (p->flags & 0x0F) == want)
		return 0;
	enum mqtt_rule rule = p->type == MQTT_PUBREL	  ? MQTT_RULE_FLAGS_PUBREL
			      : p->type == MQTT_SUBSCRIBE ? MQTT_RULE_FLAGS_SUBSCRIBE
			      : p->type == MQTT_UNSUBSCRIBE
				      ? MQTT_RULE_FLAGS_UNSUBSCRIBE
				      : MQTT_RULE_FLAGS_OTHER;
	return MQTT_VIOLATION(c, rule, "%s: fixed header flags 0x%X, expected "
				       "0x%X",
			 mqtt_type_name(p->type), p->flags & 0x0F, want);
}

static int check_publish(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	unsigned qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	if (qos == 3)
		return MQTT_VIOLATION(c, MQTT_RULE_PUBLISH_QOS3,
				 "PUBLISH: QoS bits 11");
	if (qos == 0 && (p->flags & MQTT_PF_DUP))
		return MQTT_VIOLATION(c, MQTT_RULE_PUBLISH_DUP_QOS0,
				 "PUBLISH: DUP set at QoS 0");
	if (qos > 0 && (!p->has_packet_id || p->packet_id == 0))
		return MQTT_VIOLATION(c, MQTT_RULE_PACKET_ID_ZERO,
				 "PUBLISH: QoS %u with packet id 0", qos);
	struct mqtt_diag inner = {0};
	if (mqtt_topic_check_name(c->v, p->topic.s.p, p->topic.s.n, &inner) <
	    0)
		return mqtt_chk_field(c, &inner, "PUBLISH", "topic", (size_t)-1);
	return 0;
}

static int check_entries(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	bool sub = p->type == MQTT_SUBSCRIBE;
	const char *type = mqtt_type_name(p->type);
	if (!p->has_packet_id || p->packet_id == 0)
		return MQTT_VIOLATION(c, MQTT_RULE_PACKET_ID_ZERO, "%s: packet id 0",
				 type);
	if (p->entry_count == 0)
		return MQTT_VIOLATION(c,
				 sub ? MQTT_RULE_SUBSCRIBE_EMPTY
				     : MQTT_RULE_UNSUBSCRIBE_EMPTY,
				 "%s: no topic filter", type);
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		struct mqtt_diag inner = {0};
		if (mqtt_topic_check_filter(c->v, en->filter.s.p,
					    en->filter.s.n, &inner) < 0)
			return mqtt_chk_field(c, &inner, type, "filter", i);
		/* Upper six bits are reserved; QoS 3 does not exist. */
		if (sub && en->has_qos && (en->qos > 2))
			return MQTT_VIOLATION(c, MQTT_RULE_SUBSCRIBE_QOS,
					 "SUBSCRIBE qos[%zu]: byte 0x%02X", i,
					 en->qos);
	}
	return 0;
}

static int check_suback(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	/* No code at all is not flagged here: it can only answer a SUBSCRIBE with
	 * no filter, whose real fault is not closing (MQTT-4.8.0-1); a missing code
	 * for a filter that was sent is the cases' to see (MQTT-3.8.4-5). */
	for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES; i++) {
		uint8_t code = p->codes[i];
		if (code > 2 && code != 0x80)
			return MQTT_VIOLATION(c, MQTT_RULE_SUBACK_CODE,
					 "SUBACK code[%zu]: 0x%02X is reserved",
					 i, code);
	}
	return 0;
}

static int check_connack(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	if (p->ack_flags & 0xFE)
		return MQTT_VIOLATION(c, MQTT_RULE_CONNACK_FLAGS,
				 "CONNACK: reserved ack flag bits 0x%02X",
				 p->ack_flags & 0xFE);
	if (p->return_code != 0 && (p->ack_flags & 0x01))
		return MQTT_VIOLATION(c, MQTT_RULE_CONNACK_SESSION,
				 "CONNACK: Session Present with return code "
				 "0x%02X",
				 p->return_code);
	if (p->return_code > 5)
		return MQTT_VIOLATION(c, MQTT_RULE_CONNACK_CODE,
				 "CONNACK: return code 0x%02X is reserved",
				 p->return_code);
	return 0;
}

static int check_connect(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	uint8_t f = p->connect_flags;
	unsigned will_qos = (f >> MQTT_CF_WILL_QOS_SHIFT) & 3;
	TRY(mqtt_chk_utf8(c, &p->protocol_name, "CONNECT", "protocol name"));
	if (f & MQTT_CF_RESERVED)
		return MQTT_VIOLATION(c, MQTT_RULE_CONNECT_RESERVED,
				 "CONNECT: reserved connect flag set");
	if (!(f & MQTT_CF_WILL) && (will_qos != 0 || (f & MQTT_CF_WILL_RETAIN)))
		return MQTT_VIOLATION(c, MQTT_RULE_CONNECT_WILL_FLAGS,
				 "CONNECT: Will QoS %u / Retain %d without the "
				 "Will flag",
				 will_qos, (f & MQTT_CF_WILL_RETAIN) != 0);
	if (will_qos == 3)
		return MQTT_VIOLATION(c, MQTT_RULE_CONNECT_WILL_QOS3,
				 "CONNECT: Will QoS 3");
	if ((f & MQTT_CF_PASSWORD) && !(f & MQTT_CF_USERNAME))
		return MQTT_VIOLATION(c, MQTT_RULE_CONNECT_PASSWORD,
				 "CONNECT: password flag without user name "
				 "flag");
	TRY(mqtt_chk_utf8(c, &p->client_id, "CONNECT", "client id"));
	if (p->will_topic.present)
		TRY(mqtt_chk_utf8(c, &p->will_topic, "CONNECT", "will topic"));
	if (p->username.present)
		TRY(mqtt_chk_utf8(c, &p->username, "CONNECT", "user name"));
	return 0;
}

int mqtt_check(enum mqtt_version v, const struct mqtt_packet *pkt,
	       enum mqtt_dir dir, struct mqtt_diag *diag)
{
	TRY(mqtt_version_check(v, diag));
	if (v == MQTT_V5)
		return mqtt_check_v5(pkt, dir, diag);
	const struct mqtt_chk c = {v, diag};
	if (pkt->type == MQTT_RESERVED0 || pkt->type == MQTT_RESERVED15)
		return MQTT_VIOLATION(&c, MQTT_RULE_TYPE_RESERVED,
				 "reserved packet type %u",
				 (unsigned)pkt->type);
	TRY(check_direction(&c, pkt->type, dir));
	TRY(check_flags(&c, pkt));
	switch (pkt->type) {
	case MQTT_CONNECT:
		return check_connect(&c, pkt);
	case MQTT_CONNACK:
		return check_connack(&c, pkt);
	case MQTT_PUBLISH:
		return check_publish(&c, pkt);
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		return check_entries(&c, pkt);
	case MQTT_SUBACK:
		return check_suback(&c, pkt);
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
	return MQTT_VIOLATION(&c, MQTT_RULE_TYPE_RESERVED, "packet type %u",
			 (unsigned)pkt->type);
}
