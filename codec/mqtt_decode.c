/*
 * mqtt_decode.c - syntax-only decoding of one framed packet.
 *
 * A bounded reader walks the body; every read checks the bytes left, so a
 * lying length prefix or Remaining Length can never read outside `in`.
 * Layout per type: see codec/mqtt.h.
 */
#include "codec/mqtt_decode.h"

#include "codec/mqtt_err.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_int.h"

/* Every syntax problem of the body breaks one rule: the fields must fill
 * the Remaining Length exactly. */
#define FIT(r) (r)->v, MQTT_RULE_LENGTH_FIT

size_t mqtt_rd_left(const struct mqtt_rd *r)
{
	return r->end - r->pos;
}

static int rd_short(struct mqtt_rd *r, const char *field, size_t need)
{
	return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, r->pos, FIT(r),
			     "%s: %s needs %zu bytes, %zu left", r->type,
			     field, need, mqtt_rd_left(r));
}

int mqtt_rd_u8(struct mqtt_rd *r, uint8_t *v, const char *field)
{
	if (mqtt_rd_left(r) < 1)
		return rd_short(r, field, 1);
	*v = r->in[r->pos++];
	return 0;
}

int mqtt_rd_u16(struct mqtt_rd *r, uint16_t *v, const char *field)
{
	if (mqtt_rd_left(r) < 2)
		return rd_short(r, field, 2);
	*v = (uint16_t)(r->in[r->pos] << 8 | r->in[r->pos + 1]);
	r->pos += 2;
	return 0;
}

/* A 2-byte length followed by that many bytes (spec 1.5.3; binary data in
 * CONNECT uses the same shape). */
int mqtt_rd_str(struct mqtt_rd *r, struct mqtt_str *s, const char *field)
{
	uint16_t n;
	if (mqtt_rd_left(r) < 2)
		return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, r->pos,
				     FIT(r),
				     "%s: %s length needs 2 bytes, %zu left",
				     r->type, field, mqtt_rd_left(r));
	size_t at = r->pos;
	mqtt_rd_u16(r, &n, field);
	if (n > mqtt_rd_left(r))
		return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, at, FIT(r),
				     "%s: %s length %u runs past the end "
				     "(%zu bytes left)",
				     r->type, field, n, mqtt_rd_left(r));
	s->present = true;
	s->s.p = r->in + r->pos;
	s->s.n = n;
	s->len_override = -1;
	r->pos += n;
	return 0;
}

int mqtt_rd_done(struct mqtt_rd *r)
{
	if (r->pos == r->end)
		return 0;
	return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED, r->pos, FIT(r),
			     "%s: %zu bytes after the last field", r->type,
			     mqtt_rd_left(r));
}

/* Types whose body has a fixed size: say what the length should have been
 * rather than which field ran short. */
int mqtt_rd_fixed(struct mqtt_rd *r, size_t want, size_t header_len)
{
	size_t rl = r->end - header_len;
	if (rl == want)
		return 0;
	return mqtt_err_diag(r->diag, MQTT_ERR_MALFORMED,
			     header_len + (rl < want ? rl : want), FIT(r),
			     "%s: remaining length %zu, expected %zu", r->type,
			     rl, want);
}

static int dec_connect(struct mqtt_rd *r, struct mqtt_packet *p)
{
	TRY(mqtt_rd_str(r, &p->protocol_name, "protocol name"));
	TRY(mqtt_rd_u8(r, &p->protocol_level, "protocol level"));
	TRY(mqtt_rd_u8(r, &p->connect_flags, "connect flags"));
	TRY(mqtt_rd_u16(r, &p->keep_alive, "keep alive"));
	TRY(mqtt_rd_str(r, &p->client_id, "client id"));
	/* Optional fields follow the flags, whatever else the flags say
	 * (their consistency is checked by mqtt_check, 3.1.2). */
	if (p->connect_flags & MQTT_CF_WILL) {
		TRY(mqtt_rd_str(r, &p->will_topic, "will topic"));
		TRY(mqtt_rd_str(r, &p->will_message, "will message"));
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
	/* Any non-zero QoS (3 included) is taken to carry an id. */
	if ((p->flags >> MQTT_PF_QOS_SHIFT) & 3) {
		TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
		p->has_packet_id = true;
	}
	p->payload.p = r->in + r->pos;
	p->payload.n = mqtt_rd_left(r);
	r->pos = r->end;
	return 0;
}

int mqtt_rd_too_many(struct mqtt_rd *r, const char *what)
{
	return mqtt_err_diag(r->diag, MQTT_ERR_LIMIT, r->pos, r->v,
			     MQTT_RULE_NONE,
			     "%s: more than %d %s", r->type, MQTT_MAX_ENTRIES,
			     what);
}

/* SUBSCRIBE (with_qos) and UNSUBSCRIBE: packet id, then filters to the end. */
static int dec_filters(struct mqtt_rd *r, struct mqtt_packet *p, bool with_qos)
{
	TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
	p->has_packet_id = true;
	while (mqtt_rd_left(r) > 0) {
		if (p->entry_count == MQTT_MAX_ENTRIES)
			return mqtt_rd_too_many(r, "topic filters");
		struct mqtt_entry *en = &p->entries[p->entry_count];
		TRY(mqtt_rd_str(r, &en->filter, "topic filter"));
		if (with_qos) {
			TRY(mqtt_rd_u8(r, &en->qos, "requested QoS"));
			en->has_qos = true;
		}
		p->entry_count++;
	}
	return 0;
}

static int dec_suback(struct mqtt_rd *r, struct mqtt_packet *p)
{
	TRY(mqtt_rd_u16(r, &p->packet_id, "packet id"));
	p->has_packet_id = true;
	while (mqtt_rd_left(r) > 0) {
		if (p->code_count == MQTT_MAX_ENTRIES)
			return mqtt_rd_too_many(r, "return codes");
		p->codes[p->code_count++] = r->in[r->pos++];
	}
	return 0;
}

static int dec_id_only(struct mqtt_rd *r, struct mqtt_packet *p, size_t hlen)
{
	TRY(mqtt_rd_fixed(r, 2, hlen));
	mqtt_rd_u16(r, &p->packet_id, "packet id");
	p->has_packet_id = true;
	return 0;
}

static int dec_body(struct mqtt_rd *r, struct mqtt_packet *p, size_t hlen)
{
	switch (p->type) {
	case MQTT_CONNECT:
		return dec_connect(r, p);
	case MQTT_CONNACK:
		TRY(mqtt_rd_fixed(r, 2, hlen));
		mqtt_rd_u8(r, &p->ack_flags, "acknowledge flags");
		mqtt_rd_u8(r, &p->return_code, "return code");
		return 0;
	case MQTT_PUBLISH:
		return dec_publish(r, p);
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		return dec_id_only(r, p, hlen);
	case MQTT_SUBSCRIBE:
		return dec_filters(r, p, true);
	case MQTT_SUBACK:
		return dec_suback(r, p);
	case MQTT_UNSUBSCRIBE:
		return dec_filters(r, p, false);
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return mqtt_rd_fixed(r, 0, hlen);
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		p->payload.p = r->in + r->pos;
		p->payload.n = mqtt_rd_left(r);
		r->pos = r->end;
		return 0;
	}
	return 0; /* unreachable: byte0 >> 4 is always an enum value */
}

int mqtt_decode(enum mqtt_version v, const uint8_t *in, size_t len,
		struct mqtt_packet *pkt, struct mqtt_diag *diag)
{
	TRY(mqtt_version_check(v, diag));
	struct mqtt_frame f;
	int r = mqtt_frame_next(v, in, len, &f, diag);
	if (r < 0)
		return r;
	if (f.header_len == 0)
		return mqtt_err_diag(diag, MQTT_ERR_MALFORMED, len, v,
				     MQTT_RULE_NONE,
				     "fixed header incomplete in %zu bytes",
				     len);
	if (f.total_len != len)
		return mqtt_err_diag(diag, MQTT_ERR_MALFORMED,
				     len < f.total_len ? len : f.total_len, v,
				     MQTT_RULE_NONE,
				     "buffer holds %zu bytes, the packet "
				     "framed there is %zu",
				     len, f.total_len);

	mqtt_packet_init_decoded(pkt, (enum mqtt_type)(in[0] >> 4));
	pkt->flags = in[0] & 0x0F;
	pkt->remaining_length = f.remaining_length;
	pkt->rl_bytes = (uint8_t)(f.header_len - 1);

	struct mqtt_rd rd = {
		.v = v,
		.in = in,
		.pos = f.header_len,
		.end = len,
		.type = mqtt_type_name_v(v, pkt->type),
		.diag = diag,
	};
	r = v == MQTT_V5 ? mqtt_dec_body_v5(&rd, pkt, f.header_len)
			 : dec_body(&rd, pkt, f.header_len);
	return r < 0 ? r : (int)len;
}
