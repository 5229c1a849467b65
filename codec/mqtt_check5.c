/*
 * mqtt_check5.c - the 5.0 rules on a packet (see mqtt_check.h); the first
 * violation wins, in the order: type, direction, fixed-header flags, the
 * Remaining Length's form, then the fields in wire order.
 */
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_prop.h"
#include "codec/mqtt_reason.h"
#include "codec/mqtt_topic.h"

#define V MQTT_VIOLATION

/* Subscription Options (3.8.3.1): bits 0-1 Maximum QoS, 2 No Local,
 * 3 Retain As Published, 4-5 Retain Handling, 6-7 reserved. */
#define SO_QOS 0x03
#define SO_NO_LOCAL 0x04
#define SO_RH_SHIFT 4
#define SO_RESERVED 0xC0

static int check_direction(const struct mqtt_chk *c, enum mqtt_type t,
			   enum mqtt_dir dir)
{
	/* DISCONNECT and AUTH go both ways in 5.0. */
	bool client_only = t == MQTT_CONNECT || t == MQTT_SUBSCRIBE ||
			   t == MQTT_UNSUBSCRIBE || t == MQTT_PINGREQ;
	bool server_only = t == MQTT_CONNACK || t == MQTT_SUBACK ||
			   t == MQTT_UNSUBACK || t == MQTT_PINGRESP;
	const char *name = mqtt_type_name_v(MQTT_V5, t);
	if (dir == MQTT_FROM_SERVER && client_only)
		return V(c, MQTT_RULE_DIRECTION, "%s sent by the server", name);
	if (dir == MQTT_FROM_CLIENT && server_only)
		return V(c, MQTT_RULE_DIRECTION, "%s sent by the client", name);
	return 0;
}

static int check_header(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	int want = mqtt_type_required_flags_v(MQTT_V5, p->type);
	const char *name = mqtt_type_name_v(MQTT_V5, p->type);
	if (want >= 0 && (p->flags & 0x0F) != want) {
		enum mqtt_rule rule =
			p->type == MQTT_PUBREL	       ? MQTT_RULE_FLAGS_PUBREL
			: p->type == MQTT_SUBSCRIBE   ? MQTT_RULE_FLAGS_SUBSCRIBE
			: p->type == MQTT_UNSUBSCRIBE ? MQTT_RULE_FLAGS_UNSUBSCRIBE
			: p->type == MQTT_AUTH	       ? MQTT_RULE_FLAGS_AUTH
						       : MQTT_RULE_FLAGS_OTHER;
		return V(c, rule, "%s: fixed header flags 0x%X, expected 0x%X",
			 name, p->flags & 0x0F, want);
	}
	if (p->rl_bytes > mqtt_vbi_size(p->remaining_length))
		return V(c, MQTT_RULE_VBI_MINIMAL,
			 "%s: Remaining Length %lu in %u bytes", name,
			 (unsigned long)p->remaining_length,
			 (unsigned)p->rl_bytes);
	return 0;
}

/* A reason code of `t` outside its table breaks `rule`. */
static int check_code(const struct mqtt_chk *c, enum mqtt_type t,
		      enum mqtt_rule rule, unsigned code, size_t index)
{
	if (mqtt_reason_allowed(t, code))
		return 0;
	const char *name = mqtt_type_name_v(MQTT_V5, t);
	if (index == (size_t)-1)
		return V(c, rule, "%s: reason code 0x%02X is not one of its "
				  "table",
			 name, code);
	return V(c, rule, "%s code[%zu]: 0x%02X is not one of its table",
		 name, index, code);
}

static bool has_prop(const struct mqtt_props *props, uint32_t id);

static int check_connect(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	uint8_t f = p->connect_flags;
	unsigned will_qos = (f >> MQTT_CF_WILL_QOS_SHIFT) & 3;
	TRY(mqtt_chk_utf8(c, &p->protocol_name, "CONNECT", "protocol name"));
	if (f & MQTT_CF_RESERVED)
		return V(c, MQTT_RULE_CONNECT_RESERVED,
			 "CONNECT: reserved connect flag set");
	if (!(f & MQTT_CF_WILL) && will_qos != 0)
		return V(c, MQTT_RULE_CONNECT_WILL_FLAGS,
			 "CONNECT: Will QoS %u without the Will flag", will_qos);
	if (!(f & MQTT_CF_WILL) && (f & MQTT_CF_WILL_RETAIN))
		return V(c, MQTT_RULE_CONNECT_WILL_RETAIN,
			 "CONNECT: Will Retain without the Will flag");
	if (will_qos == 3)
		return V(c, MQTT_RULE_CONNECT_WILL_QOS3, "CONNECT: Will QoS 3");
	TRY(mqtt_check_props(c, &p->props, MQTT_CONNECT));
	if (has_prop(&p->props, 0x16) && !has_prop(&p->props, 0x15))
		return V(c, MQTT_RULE_AUTH_DATA_NO_METHOD,
			 "CONNECT: Authentication Data without an Authentication "
			 "Method");
	TRY(mqtt_chk_utf8(c, &p->client_id, "CONNECT", "client id"));
	TRY(mqtt_check_props(c, &p->will_props, MQTT_PROP_WILL));
	if (p->will_topic.present)
		TRY(mqtt_chk_utf8(c, &p->will_topic, "CONNECT", "will topic"));
	if (p->username.present)
		TRY(mqtt_chk_utf8(c, &p->username, "CONNECT", "user name"));
	return 0;
}

static int check_connack(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	if (p->ack_flags & 0xFE)
		return V(c, MQTT_RULE_CONNACK_FLAGS,
			 "CONNACK: reserved ack flag bits 0x%02X",
			 p->ack_flags & 0xFE);
	if (p->return_code != 0 && (p->ack_flags & 0x01))
		return V(c, MQTT_RULE_CONNACK_SESSION,
			 "CONNACK: Session Present with reason code 0x%02X",
			 p->return_code);
	TRY(check_code(c, MQTT_CONNACK, MQTT_RULE_CONNACK_CODE, p->return_code,
		       (size_t)-1));
	return mqtt_check_props(c, &p->props, MQTT_CONNACK);
}

static bool has_prop(const struct mqtt_props *props, uint32_t id)
{
	for (size_t i = 0; i < props->count && i < MQTT_MAX_PROPS; i++)
		if (props->items[i].id == id)
			return true;
	return false;
}

/* A Response Topic is a topic name: no wildcards (its UTF-8 is checked
 * with the other string properties). */
static int check_response_topic(const struct mqtt_chk *c,
				const struct mqtt_props *props)
{
	for (size_t i = 0; i < props->count && i < MQTT_MAX_PROPS; i++) {
		const struct mqtt_prop *p = &props->items[i];
		if (p->id != 0x08 || p->has_raw)
			continue;
		for (size_t k = 0; k < p->str.s.n; k++)
			if (p->str.s.p[k] == '+' || p->str.s.p[k] == '#')
				return V(c, MQTT_RULE_RESPONSE_TOPIC_WILDCARD,
					 "PUBLISH properties: wildcard '%c' at "
					 "byte %zu of the Response Topic",
					 p->str.s.p[k], k);
	}
	return 0;
}

static int check_publish(const struct mqtt_chk *c, const struct mqtt_packet *p,
			 enum mqtt_dir dir)
{
	unsigned qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	if (qos == 3)
		return V(c, MQTT_RULE_PUBLISH_QOS3, "PUBLISH: QoS bits 11");
	if (qos == 0 && (p->flags & MQTT_PF_DUP))
		return V(c, MQTT_RULE_PUBLISH_DUP_QOS0,
			 "PUBLISH: DUP set at QoS 0");
	if (qos > 0 && (!p->has_packet_id || p->packet_id == 0))
		return V(c,
			 dir == MQTT_FROM_SERVER ? MQTT_RULE_PACKET_ID_ZERO_SERVER
						 : MQTT_RULE_PACKET_ID_ZERO,
			 "PUBLISH: QoS %u with packet id 0", qos);
	/* An empty topic name stands for the one a Topic Alias maps to. */
	if (p->topic.s.n == 0 && !has_prop(&p->props, 0x23))
		return V(c, MQTT_RULE_PUBLISH_TOPIC_ALIAS,
			 "PUBLISH: empty topic name without a Topic Alias");
	struct mqtt_diag inner = {0};
	if (p->topic.s.n > 0 &&
	    mqtt_topic_check_name(c->v, p->topic.s.p, p->topic.s.n, &inner) < 0) {
		/* The Topic Name's own statements, not the general ones of 1.5.4. */
		if (inner.rule == MQTT_RULE_UTF8_ILL_FORMED)
			inner.rule = MQTT_RULE_TOPIC_NAME_UTF8;
		if (inner.rule == MQTT_RULE_UTF8_NUL)
			inner.rule = MQTT_RULE_TOPIC_NAME_NUL;
		return mqtt_chk_field(c, &inner, "PUBLISH", "topic",
				      (size_t)-1);
	}
	TRY(mqtt_check_props(c, &p->props, MQTT_PUBLISH));
	TRY(check_response_topic(c, &p->props));
	if (dir == MQTT_FROM_CLIENT && has_prop(&p->props, 0x0B))
		return V(c, MQTT_RULE_PUBLISH_SUBID_CLIENT,
			 "PUBLISH: a client's PUBLISH carries a Subscription "
			 "Identifier");
	return 0;
}

static int check_options(const struct mqtt_chk *c, const struct mqtt_entry *en,
			 size_t i)
{
	uint8_t o = en->qos;
	if (o & SO_RESERVED)
		return V(c, MQTT_RULE_SUBSCRIBE_QOS,
			 "SUBSCRIBE options[%zu]: reserved bits in 0x%02X", i, o);
	if ((o & SO_QOS) == 3)
		return V(c, MQTT_RULE_SUBSCRIBE_OPT_QOS3,
			 "SUBSCRIBE options[%zu]: Maximum QoS 3", i);
	if (((o >> SO_RH_SHIFT) & 3) == 3)
		return V(c, MQTT_RULE_SUBSCRIBE_RETAIN_HANDLING,
			 "SUBSCRIBE options[%zu]: Retain Handling 3", i);
	const struct mqtt_slice f = en->filter.s;
	if ((o & SO_NO_LOCAL) && f.n >= 7 && memcmp(f.p, "$share/", 7) == 0)
		return V(c, MQTT_RULE_SUBSCRIBE_NOLOCAL_SHARED,
			 "SUBSCRIBE options[%zu]: No Local on a shared "
			 "subscription",
			 i);
	return 0;
}

static int check_entries(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	bool sub = p->type == MQTT_SUBSCRIBE;
	const char *type = mqtt_type_name(p->type);
	if (!p->has_packet_id || p->packet_id == 0)
		return V(c, MQTT_RULE_PACKET_ID_ZERO, "%s: packet id 0", type);
	TRY(mqtt_check_props(c, &p->props, p->type));
	if (p->entry_count == 0)
		return V(c,
			 sub ? MQTT_RULE_SUBSCRIBE_EMPTY
			     : MQTT_RULE_UNSUBSCRIBE_EMPTY,
			 "%s: no topic filter", type);
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		struct mqtt_diag inner = {0};
		if (mqtt_topic_check_filter(c->v, en->filter.s.p,
					    en->filter.s.n, &inner) < 0)
			return mqtt_chk_field(c, &inner, type, "filter", i);
		if (sub && en->has_qos)
			TRY(check_options(c, en, i));
	}
	return 0;
}

static int check_codes(const struct mqtt_chk *c, const struct mqtt_packet *p)
{
	enum mqtt_rule rule = p->type == MQTT_SUBACK ? MQTT_RULE_SUBACK_CODE
						     : MQTT_RULE_UNSUBACK_CODE;
	TRY(mqtt_check_props(c, &p->props, p->type));
	for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES; i++)
		TRY(check_code(c, p->type, rule, p->codes[i], i));
	return 0;
}

static int check_reason(const struct mqtt_chk *c, const struct mqtt_packet *p,
			enum mqtt_dir dir)
{
	enum mqtt_rule rule = p->type == MQTT_PUBACK	  ? MQTT_RULE_PUBACK_CODE
			      : p->type == MQTT_PUBREC	  ? MQTT_RULE_PUBREC_CODE
			      : p->type == MQTT_PUBREL	  ? MQTT_RULE_PUBREL_CODE
			      : p->type == MQTT_PUBCOMP	  ? MQTT_RULE_PUBCOMP_CODE
			      : p->type == MQTT_DISCONNECT ? MQTT_RULE_DISCONNECT_CODE
							   : MQTT_RULE_AUTH_CODE;
	if (p->has_reason_code)
		TRY(check_code(c, p->type, rule, p->reason_code, (size_t)-1));
	TRY(mqtt_check_props(c, &p->props, p->type));
	if (p->type == MQTT_DISCONNECT && dir == MQTT_FROM_SERVER &&
	    has_prop(&p->props, 0x11))
		return V(c, MQTT_RULE_DISCONNECT_SESSION_EXPIRY,
			 "DISCONNECT: the server sends a Session Expiry Interval");
	return 0;
}

int mqtt_check_v5(const struct mqtt_packet *pkt, enum mqtt_dir dir,
		  struct mqtt_diag *diag)
{
	const struct mqtt_chk c = {MQTT_V5, diag};
	if (pkt->type == MQTT_RESERVED0 || (unsigned)pkt->type > 15)
		return V(&c, MQTT_RULE_TYPE_RESERVED, "reserved packet type %u",
			 (unsigned)pkt->type);
	TRY(check_direction(&c, pkt->type, dir));
	TRY(check_header(&c, pkt));
	switch (pkt->type) {
	case MQTT_CONNECT:
		return check_connect(&c, pkt);
	case MQTT_CONNACK:
		return check_connack(&c, pkt);
	case MQTT_PUBLISH:
		return check_publish(&c, pkt, dir);
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		return check_entries(&c, pkt);
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		return check_codes(&c, pkt);
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_DISCONNECT:
	case MQTT_RESERVED15: /* AUTH */
		return check_reason(&c, pkt, dir);
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_RESERVED0:
		return 0;
	}
	return 0;
}
