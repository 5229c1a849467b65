/*
 * mqtt_decode5.c - the 5.0 layout of every packet type (see mqtt_decode.h).
 *
 * Where 5.0 lets a packet end early (an ack of Remaining Length 2 or 3, a
 * DISCONNECT or AUTH of 0 or 1), what is left out is marked absent:
 * has_reason_code false, props.present false. Everywhere else a missing
 * Property Length is malformed (MQTT-2.2.2-1).
 */
#include "codec/mqtt_decode.h"

#include <stdio.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_prop.h"

/* The property block at the reader's position; `what` names it. */
static int rd_props(struct mqtt_rd *r, struct mqtt_props *props,
		    const char *what)
{
	char name[48];
	snprintf(name, sizeof name, "%s %s", r->type, what);
	int end = mqtt_props_read(r->v, r->in, r->pos, r->end, props, name,
				  r->diag);
	if (end < 0)
		return end;
	r->pos = (size_t)end;
	return 0;
}

static int dec_connect(struct mqtt_rd *r, struct mqtt_packet *p)
{
	TRY(mqtt_rd_str(r, &p->protocol_name, "protocol name"));
	TRY(mqtt_rd_u8(r, &p->protocol_level, "protocol level"));
	TRY(mqtt_rd_u8(r, &p->connect_flags, "connect flags"));
	TRY(mqtt_rd_u16(r, &p->keep_alive, "keep alive"));
	TRY(rd_props(r, &p->props, "properties"));
	TRY(mqtt_rd_str(r, &p->client_id, "client id"));
	if (p->connect_flags & MQTT_CF_WILL) {
		TRY(rd_props(r, &p->will_props, "will properties"));
		TRY(mqtt_rd_str(r, &p->will_topic, "will topic"));
		TRY(mqtt_rd_str(r, &p->will_message, "will payload"));
	}
	if (p->connect_flags & MQTT_CF_USERNAME)
		TRY(mqtt_rd_str(r, &p->username, "user name"));
	if (p->connect_flags & MQTT_CF_PASSWORD)
		TRY(mqtt_rd_str(r, &p->password, "password"));
	return mqtt_rd_done(r);
}

static int dec_publish(struct mqtt_rd *r, struct mqtt_packet *p)
{
	TRY(mqtt_rd_str(r, &p->topic, "topic"));
	if ((p->flags >> MQTT_PF_QOS_SHIFT) & 3) {
		TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
		p->has_packet_id = true;
	}
	TRY(rd_props(r, &p->props, "properties"));
	p->payload.p = r->in + r->pos;
	p->payload.n = mqtt_rd_left(r);
	r->pos = r->end;
	return 0;
}

/* [packet id], then a reason code and properties only while bytes are left. */
static int dec_reason(struct mqtt_rd *r, struct mqtt_packet *p, bool with_id)
{
	if (with_id) {
		TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
		p->has_packet_id = true;
	}
	if (mqtt_rd_left(r) == 0)
		return 0;
	mqtt_rd_u8(r, &p->reason_code, "reason code");
	p->has_reason_code = true;
	if (mqtt_rd_left(r) == 0)
		return 0;
	TRY(rd_props(r, &p->props, "properties"));
	return mqtt_rd_done(r);
}

static int dec_filters(struct mqtt_rd *r, struct mqtt_packet *p, bool sub)
{
	TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
	p->has_packet_id = true;
	TRY(rd_props(r, &p->props, "properties"));
	while (mqtt_rd_left(r) > 0) {
		if (p->entry_count == MQTT_MAX_ENTRIES)
			return mqtt_rd_too_many(r, "topic filters");
		struct mqtt_entry *en = &p->entries[p->entry_count];
		TRY(mqtt_rd_str(r, &en->filter, "topic filter"));
		if (sub) {
			TRY(mqtt_rd_u8(r, &en->qos, "subscription options"));
			en->has_qos = true;
		}
		p->entry_count++;
	}
	return 0;
}

static int dec_codes(struct mqtt_rd *r, struct mqtt_packet *p)
{
	TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
	p->has_packet_id = true;
	TRY(rd_props(r, &p->props, "properties"));
	while (mqtt_rd_left(r) > 0) {
		if (p->code_count == MQTT_MAX_ENTRIES)
			return mqtt_rd_too_many(r, "reason codes");
		p->codes[p->code_count++] = r->in[r->pos++];
	}
	return 0;
}

int mqtt_dec_body_v5(struct mqtt_rd *r, struct mqtt_packet *p, size_t hlen)
{
	switch (p->type) {
	case MQTT_CONNECT:
		return dec_connect(r, p);
	case MQTT_CONNACK:
		TRY(mqtt_rd_u8(r, &p->ack_flags, "acknowledge flags"));
		TRY(mqtt_rd_u8(r, &p->return_code, "reason code"));
		TRY(rd_props(r, &p->props, "properties"));
		return mqtt_rd_done(r);
	case MQTT_PUBLISH:
		return dec_publish(r, p);
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
		return dec_reason(r, p, true);
	case MQTT_DISCONNECT:
	case MQTT_RESERVED15: /* AUTH */
		return dec_reason(r, p, false);
	case MQTT_SUBSCRIBE:
		return dec_filters(r, p, true);
	case MQTT_UNSUBSCRIBE:
		return dec_filters(r, p, false);
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		return dec_codes(r, p);
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
		return mqtt_rd_fixed(r, 0, hlen);
	case MQTT_RESERVED0:
		p->payload.p = r->in + r->pos;
		p->payload.n = mqtt_rd_left(r);
		r->pos = r->end;
		return 0;
	}
	return 0; /* unreachable: byte0 >> 4 is always an enum value */
}
