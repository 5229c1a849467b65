/*
 * mqtt_encode.c - faithful encoding of the packet model.
 *
 * The body is produced by one function run twice: first with a counting
 * writer (no buffer) to learn the real Remaining Length and validate, then
 * into the caller's buffer once the total is known to fit.
 */
#include "codec/mqtt_encode.h"

#include <string.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_prop.h"
#include "codec/mqtt_varint.h"

void mqtt_wr_u8(struct mqtt_wr *w, uint8_t v)
{
	if (w->out != NULL)
		w->out[w->pos] = v;
	w->pos++;
}

void mqtt_wr_u16(struct mqtt_wr *w, uint16_t v)
{
	mqtt_wr_u8(w, (uint8_t)(v >> 8));
	mqtt_wr_u8(w, (uint8_t)(v & 0xFF));
}

int mqtt_wr_bytes(struct mqtt_wr *w, struct mqtt_slice s)
{
	/* Checked before adding so the running size_t total cannot wrap. */
	if (s.n > MQTT_MAX_REMAINING_LENGTH)
		return MQTT_ERR_INVALID;
	if (w->out != NULL && s.n > 0)
		memcpy(w->out + w->pos, s.p, s.n);
	w->pos += s.n;
	return 0;
}

int mqtt_wr_str(struct mqtt_wr *w, const struct mqtt_str *s)
{
	if (s->s.n > 0xFFFF || s->len_override > 0xFFFF)
		return MQTT_ERR_INVALID;
	mqtt_wr_u16(w, (uint16_t)(s->len_override >= 0 ? (size_t)s->len_override
						  : s->s.n));
	return mqtt_wr_bytes(w, s->s);
}

void mqtt_wr_id(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	if (p->has_packet_id)
		mqtt_wr_u16(w, p->packet_id);
}

int mqtt_wr_props(struct mqtt_wr *w, const struct mqtt_props *props)
{
	int n = mqtt_props_write(props, NULL);
	if (n < 0)
		return n;
	if (w->out != NULL)
		mqtt_props_write(props, w->out + w->pos);
	w->pos += (size_t)n;
	return 0;
}

static int wr_connect(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	TRY(mqtt_wr_str(w, &p->protocol_name));
	mqtt_wr_u8(w, p->protocol_level);
	mqtt_wr_u8(w, p->connect_flags);
	mqtt_wr_u16(w, p->keep_alive);
	TRY(mqtt_wr_str(w, &p->client_id));
	const struct mqtt_str *opt[] = {&p->will_topic, &p->will_message,
					&p->username, &p->password};
	for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
		if (opt[i]->present)
			TRY(mqtt_wr_str(w, opt[i]));
	return 0;
}

static int wr_entries(struct mqtt_wr *w, const struct mqtt_packet *p, bool sub)
{
	if (p->entry_count > MQTT_MAX_ENTRIES)
		return MQTT_ERR_INVALID;
	mqtt_wr_id(w, p);
	for (size_t i = 0; i < p->entry_count; i++) {
		TRY(mqtt_wr_str(w, &p->entries[i].filter));
		if (sub && p->entries[i].has_qos)
			mqtt_wr_u8(w, p->entries[i].qos);
	}
	return 0;
}

static int wr_fields(struct mqtt_wr *w, const struct mqtt_packet *p)
{
	switch (p->type) {
	case MQTT_CONNECT:
		return wr_connect(w, p);
	case MQTT_CONNACK:
		mqtt_wr_u8(w, p->ack_flags);
		mqtt_wr_u8(w, p->return_code);
		return 0;
	case MQTT_PUBLISH:
		TRY(mqtt_wr_str(w, &p->topic));
		mqtt_wr_id(w, p);
		return mqtt_wr_bytes(w, p->payload);
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		mqtt_wr_id(w, p);
		return 0;
	case MQTT_SUBSCRIBE:
		return wr_entries(w, p, true);
	case MQTT_SUBACK:
		if (p->code_count > MQTT_MAX_ENTRIES)
			return MQTT_ERR_INVALID;
		mqtt_wr_id(w, p);
		for (size_t i = 0; i < p->code_count; i++)
			mqtt_wr_u8(w, p->codes[i]);
		return 0;
	case MQTT_UNSUBSCRIBE:
		return wr_entries(w, p, false);
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return 0;
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		return mqtt_wr_bytes(w, p->payload);
	}
	return MQTT_ERR_INVALID; /* type outside 0..15 */
}

static int wr_body(enum mqtt_version v, struct mqtt_wr *w,
		   const struct mqtt_packet *p)
{
	if (v == MQTT_V5)
		TRY(mqtt_wr_fields_v5(w, p));
	else
		TRY(wr_fields(w, p));
	return mqtt_wr_bytes(w, p->extra);
}

/* Validate, and compute the fixed header and the body length. */
static int plan(enum mqtt_version v, const struct mqtt_packet *p,
		uint8_t hdr[6], size_t *hlen, size_t *blen)
{
	TRY(mqtt_version_check(v, NULL));
	if ((unsigned)p->type > 15)
		return MQTT_ERR_INVALID;
	struct mqtt_wr count = {NULL, 0};
	TRY(wr_body(v, &count, p));
	if (count.pos > MQTT_MAX_REMAINING_LENGTH)
		return MQTT_ERR_INVALID;
	uint32_t rl = p->rl_override ? p->remaining_length
				     : (uint32_t)count.pos;
	hdr[0] = (uint8_t)(p->type << 4 | (p->flags & 0x0F));
	int n = mqtt_varint_encode(rl, p->rl_bytes, hdr + 1, 5);
	if (n < 0)
		return n;
	*hlen = 1 + (size_t)n;
	*blen = count.pos;
	return 0;
}

size_t mqtt_encode_size(enum mqtt_version v, const struct mqtt_packet *pkt)
{
	uint8_t hdr[6];
	size_t hlen, blen;
	if (plan(v, pkt, hdr, &hlen, &blen) < 0)
		return 0;
	return hlen + blen;
}

int mqtt_encode(enum mqtt_version v, const struct mqtt_packet *pkt,
		uint8_t *out, size_t cap)
{
	uint8_t hdr[6];
	size_t hlen, blen;
	TRY(plan(v, pkt, hdr, &hlen, &blen));
	if (hlen + blen > cap)
		return MQTT_ERR_BUFFER;
	memcpy(out, hdr, hlen);
	struct mqtt_wr w = {out + hlen, 0};
	TRY(wr_body(v, &w, pkt));
	return (int)(hlen + blen);
}

int mqtt_encode_disconnect(enum mqtt_version v, uint8_t *out, size_t cap)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, MQTT_DISCONNECT);
	return mqtt_encode(v, &p, out, cap);
}
