/*
 * mqtt_print5.c - the one-line print of a 5.0 packet (see mqtt_print.h):
 * the 3.1.1 fields where they are the same, reason codes with their names
 * ("rc=0x10(No matching subscribers)"), the Subscription Options byte, and
 * the properties by key ("props=[topic_alias=5,user_property="k":"v"]").
 */
#include "codec/mqtt_print.h"

#include "codec/mqtt_print_int.h"
#include "codec/mqtt_prop.h"

static void put_code(struct mqtt_out *o, enum mqtt_type t, unsigned code)
{
	TAG(REASON_CODE);
	mqtt_put_f(o, "0x%02x(%s)", code, mqtt_return_code_name(MQTT_V5, t, code));
}

static void put_prop(struct mqtt_out *o, const struct mqtt_prop *p)
{
	const struct mqtt_prop_def *def = mqtt_prop_get(p->id);
	if (def == NULL) {
		mqtt_put_f(o, "0x%02lx", (unsigned long)p->id);
		return;
	}
	mqtt_put_s(o, def->key);
	mqtt_put_c(o, '=');
	if (p->has_raw) {
		mqtt_put_f(o, "raw(%zuB)", p->raw.n);
		return;
	}
	switch (def->type) {
	case MQTT_PROP_BYTE:
	case MQTT_PROP_U16:
	case MQTT_PROP_U32:
	case MQTT_PROP_VBI:
		mqtt_put_f(o, "%lu", (unsigned long)p->num);
		return;
	case MQTT_PROP_STR:
		mqtt_put_quoted(o, p->str.s, STR_SHOWN);
		return;
	case MQTT_PROP_BIN:
		mqtt_put_f(o, "%zuB", p->str.s.n);
		return;
	case MQTT_PROP_PAIR:
		mqtt_put_quoted(o, p->str.s, STR_SHOWN);
		mqtt_put_c(o, ':');
		mqtt_put_quoted(o, p->value.s, STR_SHOWN);
		return;
	}
}

/* Nothing for an absent block or an empty one. */
static void put_props(struct mqtt_out *o, const char *tag,
		      const struct mqtt_props *props)
{
	if (!props->present || props->count == 0)
		return;
	mqtt_put_c(o, ' ');
	mqtt_put_s(o, tag);
	mqtt_put_s(o, "=[");
	for (size_t i = 0; i < props->count && i < MQTT_MAX_PROPS; i++) {
		if (i > 0)
			mqtt_put_c(o, ',');
		put_prop(o, &props->items[i]);
	}
	mqtt_put_c(o, ']');
}

static void put_entries(struct mqtt_out *o, const struct mqtt_packet *p)
{
	mqtt_put_id(o, p);
	TAG(TOPICS);
	mqtt_put_c(o, '[');
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		if (i > 0)
			mqtt_put_c(o, ',');
		mqtt_put_quoted(o, en->filter.s, STR_SHOWN);
		if (p->type != MQTT_SUBSCRIBE || !en->has_qos)
			continue;
		TAG(SUB_OPTIONS);
		mqtt_put_f(o, "0x%02x", en->qos);
	}
	mqtt_put_c(o, ']');
}

static void put_codes(struct mqtt_out *o, const struct mqtt_packet *p)
{
	mqtt_put_id(o, p);
	TAG(REASON_CODES);
	mqtt_put_c(o, '[');
	for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES; i++)
		mqtt_put_f(o, i > 0 ? ",0x%02x" : "0x%02x", p->codes[i]);
	mqtt_put_c(o, ']');
}

void mqtt_put_fields_v5(struct mqtt_out *o, const struct mqtt_packet *p)
{
	switch (p->type) {
	case MQTT_CONNECT:
		mqtt_put_connect(o, p);
		put_props(o, "will_props", &p->will_props);
		break;
	case MQTT_CONNACK:
		TAG(SESSION_PRESENT);
		mqtt_put_f(o, "%u", p->ack_flags & 1u);
		put_code(o, p->type, p->return_code);
		if (p->ack_flags & 0xFE) {
			TAG(ACK_FLAGS);
			mqtt_put_f(o, "0x%02x", p->ack_flags);
		}
		break;
	case MQTT_PUBLISH:
		mqtt_put_publish(o, p);
		break;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_DISCONNECT:
	case MQTT_RESERVED15: /* AUTH */
		mqtt_put_id(o, p);
		if (p->has_reason_code)
			put_code(o, p->type, p->reason_code);
		break;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		put_entries(o, p);
		break;
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		put_codes(o, p);
		break;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_RESERVED0:
		break;
	}
	put_props(o, "props", &p->props);
}
