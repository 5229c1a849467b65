/*
 * mqtt_encode5.c - the 5.0 layout of every packet type, written faithfully
 * (see mqtt_encode.h): optional parts are written when the model says they
 * are there (has_reason_code, props.present, will_props.present), whatever
 * the rest of the packet says, so a case can send the short forms and the
 * malformed ones alike.
 */
#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"

static int wr_connect(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	TRY(mqtt_wr_str(w, &p->protocol_name));
	mqtt_wr_u8(w, p->protocol_level);
	mqtt_wr_u8(w, p->connect_flags);
	mqtt_wr_u16(w, p->keep_alive);
	TRY(mqtt_wr_props(w, &p->props));
	TRY(mqtt_wr_str(w, &p->client_id));
	TRY(mqtt_wr_props(w, &p->will_props));
	const struct mqtt_str *opt[] = {&p->will_topic, &p->will_message,
					&p->username, &p->password};
	for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
		if (opt[i]->present)
			TRY(mqtt_wr_str(w, opt[i]));
	return 0;
}

/* SUBSCRIBE (options bytes) and UNSUBSCRIBE. */
static int wr_entries(struct mqtt_wr *w, const struct mqtt_packet *p, bool sub)
{
	if (p->entry_count > MQTT_MAX_ENTRIES)
		return MQTT_ERR_INVALID;
	mqtt_wr_id(w, p);
	TRY(mqtt_wr_props(w, &p->props));
	for (size_t i = 0; i < p->entry_count; i++) {
		TRY(mqtt_wr_str(w, &p->entries[i].filter));
		if (sub && p->entries[i].has_qos)
			mqtt_wr_u8(w, p->entries[i].qos);
	}
	return 0;
}

/* SUBACK and UNSUBACK: a reason code per filter after the properties. */
static int wr_codes(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	if (p->code_count > MQTT_MAX_ENTRIES)
		return MQTT_ERR_INVALID;
	mqtt_wr_id(w, p);
	TRY(mqtt_wr_props(w, &p->props));
	for (size_t i = 0; i < p->code_count; i++)
		mqtt_wr_u8(w, p->codes[i]);
	return 0;
}

/* The acks, DISCONNECT and AUTH: [packet id], [reason code], [properties]. */
static int wr_reason(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	mqtt_wr_id(w, p);
	if (p->has_reason_code)
		mqtt_wr_u8(w, p->reason_code);
	return mqtt_wr_props(w, &p->props);
}

int mqtt_wr_fields_v5(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	switch (p->type) {
	case MQTT_CONNECT:
		return wr_connect(w, p);
	case MQTT_CONNACK:
		mqtt_wr_u8(w, p->ack_flags);
		mqtt_wr_u8(w, p->return_code);
		return mqtt_wr_props(w, &p->props);
	case MQTT_PUBLISH:
		TRY(mqtt_wr_str(w, &p->topic));
		mqtt_wr_id(w, p);
		TRY(mqtt_wr_props(w, &p->props));
		return mqtt_wr_bytes(w, p->payload);
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_DISCONNECT:
	case MQTT_RESERVED15: /* AUTH */
		return wr_reason(w, p);
	case MQTT_SUBSCRIBE:
		return wr_entries(w, p, true);
	case MQTT_UNSUBSCRIBE:
		return wr_entries(w, p, false);
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		return wr_codes(w, p);
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
		return 0;
	case MQTT_RESERVED0:
		return mqtt_wr_bytes(w, p->payload);
	}
	return MQTT_ERR_INVALID; /* type outside 0..15 */
}
