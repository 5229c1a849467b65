/*
 * mqtt_fields.c - a decoded packet as wire fields (see mqtt_fields.h).
 *
 * Offsets come from the decoded packet itself: strings and payloads are
 * slices into the input, so their position is exact; fixed-size fields are
 * placed by walking the layout of codec/mqtt.h from the field before them.
 */
#include "codec/mqtt_fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_field_table.h"
#include "codec/mqtt_fields_int.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_int.h"


void mqtt_walk_emit(const struct mqtt_walk *w, size_t off, size_t len, const char *name,
     const char *fmt, ...)
{
	struct mqtt_field f;
	f.offset = off;
	f.len = len;
	f.name = name;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f.value, sizeof f.value, fmt, ap);
	va_end(ap);
	w->fn(w->arg, &f);
}

/* Quoted, bounded, ASCII-only text of some bytes (as mqtt_print shows them). */
void mqtt_walk_quote(char *buf, size_t cap, struct mqtt_slice s, size_t max)
{
	size_t o = 0;
	buf[o++] = '"';
	for (size_t i = 0; i < s.n && i < max && o + 6 < cap; i++) {
		uint8_t b = s.p[i];
		if (b == '"' || b == '\\')
			o += (size_t)snprintf(buf + o, cap - o, "\\%c", b);
		else if (b >= 0x20 && b < 0x7F)
			buf[o++] = (char)b;
		else
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", b);
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (s.n > max && o + 4 < cap)
		memcpy(buf + o, "...", 4);
}

/* Where a slice of the input starts. */
size_t mqtt_walk_at(const struct mqtt_walk *w, struct mqtt_slice s)
{
	return (size_t)(s.p - w->in);
}

/* A length-prefixed string or binary field; binary data also gives its size. */
void mqtt_walk_str(const struct mqtt_walk *w, enum mqtt_field_id id,
		      const struct mqtt_str *s)
{
	if (!s->present)
		return;
	char q[STR_SHOWN * 4 + 8];
	mqtt_walk_quote(q, sizeof q, s->s, STR_SHOWN);
	size_t off = mqtt_walk_at(w, s->s) - 2;
	const char *name = mqtt_field_label(id);
	if (mqtt_field_get(id)->kind == MQTT_FIELD_KIND_BIN)
		mqtt_walk_emit(w, off, s->s.n + 2, name, "%zu bytes %s", s->s.n, q);
	else
		mqtt_walk_emit(w, off, s->s.n + 2, name, "%s (length %zu)", q, s->s.n);
}

void mqtt_walk_pid(const struct mqtt_walk *w, size_t off, unsigned v)
{
	mqtt_walk_emit(w, off, 2, L(PACKET_ID), "%u", v);
}

void mqtt_walk_code(const struct mqtt_walk *w, size_t off, enum mqtt_field_id id,
		       enum mqtt_type t, uint8_t c)
{
	mqtt_walk_emit(w, off, 1, mqtt_field_label(id), "0x%02x (%s)", c,
	     mqtt_return_code_name(w->v, t, c));
}

void mqtt_walk_connect_flags(const struct mqtt_walk *w, size_t off, uint8_t f)
{
	/* 5.0 renames bit 1 Clean Start. */
	const char *clean = w->v == MQTT_V5 ? L(CLEAN_START) : L(CLEAN_SESSION);
	/* Each bit by the name of the field it says is there. */
	mqtt_walk_emit(w, off, 1, L(CONNECT_FLAGS),
	     "0x%02x: %s %u, %s %u, %s %u, %s %u, %s %u, %s %u, reserved %u",
	     f, L(USERNAME), (f & MQTT_CF_USERNAME) ? 1u : 0u, L(PASSWORD),
	     (f & MQTT_CF_PASSWORD) ? 1u : 0u, L(WILL_RETAIN),
	     (f & MQTT_CF_WILL_RETAIN) ? 1u : 0u, L(WILL_QOS),
	     (unsigned)(f >> MQTT_CF_WILL_QOS_SHIFT) & 3u, L(WILL),
	     (f & MQTT_CF_WILL) ? 1u : 0u, clean,
	     (f & MQTT_CF_CLEAN_SESSION) ? 1u : 0u,
	     (f & MQTT_CF_RESERVED) ? 1u : 0u);
}

static void connect_fields(const struct mqtt_walk *w, const struct mqtt_packet *p)
{
	mqtt_walk_str(w, MQTT_FIELD_PROTOCOL_NAME, &p->protocol_name);
	size_t off = mqtt_walk_at(w, p->protocol_name.s) + p->protocol_name.s.n;
	/* The level this version writes is named; any other is just a number. */
	int mine = p->protocol_level == mqtt_version_level(w->v);
	mqtt_walk_emit(w, off, 1, L(PROTOCOL_LEVEL), "%u%s%s%s", p->protocol_level,
	     mine ? " (" : "", mine ? mqtt_version_name(w->v) : "",
	     mine ? ")" : "");
	mqtt_walk_connect_flags(w, off + 1, p->connect_flags);
	mqtt_walk_emit(w, off + 2, 2, L(KEEP_ALIVE), "%u s", (unsigned)p->keep_alive);
	mqtt_walk_str(w, MQTT_FIELD_CLIENT_ID, &p->client_id);
	mqtt_walk_str(w, MQTT_FIELD_WILL_TOPIC, &p->will_topic);
	mqtt_walk_str(w, MQTT_FIELD_WILL_MESSAGE, &p->will_message);
	mqtt_walk_str(w, MQTT_FIELD_USERNAME, &p->username);
	if (p->password.present) /* never shown, as in mqtt_print */
		mqtt_walk_emit(w, mqtt_walk_at(w, p->password.s) - 2, p->password.s.n + 2,
		     L(PASSWORD), "%zu bytes (not shown)", p->password.s.n);
}

static void publish_fields(const struct mqtt_walk *w, const struct mqtt_packet *p,
			   size_t end)
{
	mqtt_walk_str(w, MQTT_FIELD_TOPIC, &p->topic);
	size_t off = mqtt_walk_at(w, p->topic.s) + p->topic.s.n;
	if (p->has_packet_id)
		mqtt_walk_pid(w, off, p->packet_id);
	char q[PAYLOAD_SHOWN * 4 + 8];
	mqtt_walk_quote(q, sizeof q, p->payload, PAYLOAD_SHOWN);
	size_t poff = p->payload.p ? mqtt_walk_at(w, p->payload) : end;
	mqtt_walk_emit(w, poff, p->payload.n, L(PAYLOAD), "%zu bytes %s", p->payload.n,
	     q);
}

static void entry_fields(const struct mqtt_walk *w, const struct mqtt_packet *p,
			 size_t off)
{
	mqtt_walk_pid(w, off, p->packet_id);
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		mqtt_walk_str(w, MQTT_FIELD_FILTER, &en->filter);
		if (!en->has_qos)
			continue;
		size_t qoff = mqtt_walk_at(w, en->filter.s) + en->filter.s.n;
		if (en->qos <= 2)
			mqtt_walk_emit(w, qoff, 1, L(REQUESTED_QOS), "%u", en->qos);
		else
			mqtt_walk_emit(w, qoff, 1, L(REQUESTED_QOS),
			     "0x%02x (reserved bits or QoS 3)", en->qos);
	}
}

int mqtt_fields_header(enum mqtt_version v, const uint8_t *in, size_t len,
		       size_t header_len, mqtt_field_fn *fn, void *arg)
{
	TRY(mqtt_version_check(v, NULL));
	const struct mqtt_walk w = {v, in, fn, arg};
	if (len == 0)
		return 0;
	enum mqtt_type t = (enum mqtt_type)(in[0] >> 4);
	unsigned flags = in[0] & 0x0Fu;
	mqtt_walk_emit(&w, 0, 1, L(TYPE), "%s (%u)", mqtt_type_name_v(v, t),
		       (unsigned)t);
	int want = mqtt_type_required_flags_v(v, t);
	if (t == MQTT_PUBLISH)
		mqtt_walk_emit(&w, 0, 1, L(FLAGS), "0x%x: %s %u, %s %u, %s %u", flags,
		     L(DUP), (flags & MQTT_PF_DUP) ? 1u : 0u, L(QOS),
		     (flags >> MQTT_PF_QOS_SHIFT) & 3u, L(RETAIN),
		     flags & MQTT_PF_RETAIN);
	else if (want >= 0 && (int)flags != want)
		mqtt_walk_emit(&w, 0, 1, L(FLAGS), "0x%x (Table 2.2 requires 0x%x)",
		     flags, (unsigned)want);
	else
		mqtt_walk_emit(&w, 0, 1, L(FLAGS), "0x%x", flags);
	if (header_len < 2)
		return 0;
	uint32_t rl = 0;
	for (size_t i = header_len - 1; i >= 1; i--)
		rl = (rl << 7) | (in[i] & 0x7Fu);
	mqtt_walk_emit(&w, 1, header_len - 1, L(REMAINING_LENGTH), "%lu",
	     (unsigned long)rl);
	return 0;
}

static void body_fields(const struct mqtt_walk *w, const struct mqtt_packet *p,
			size_t hl, size_t len)
{
	switch (p->type) {
	case MQTT_CONNECT:
		connect_fields(w, p);
		return;
	case MQTT_CONNACK:
		mqtt_walk_emit(w, hl, 1, L(ACK_FLAGS), "0x%02x: %s %u%s", p->ack_flags,
		     L(SESSION_PRESENT), p->ack_flags & 1u,
		     (p->ack_flags & 0xFE) ? ", reserved bits set" : "");
		mqtt_walk_code(w, hl + 1, MQTT_FIELD_RETURN_CODE, p->type,
			   p->return_code);
		return;
	case MQTT_PUBLISH:
		publish_fields(w, p, len);
		return;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		mqtt_walk_pid(w, hl, p->packet_id);
		return;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		entry_fields(w, p, hl);
		return;
	case MQTT_SUBACK:
		mqtt_walk_pid(w, hl, p->packet_id);
		for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES; i++)
			mqtt_walk_code(w, hl + 2 + i, MQTT_FIELD_SUBACK_CODE,
				   p->type, p->codes[i]);
		return;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return;
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		if (p->payload.n) {
			char q[PAYLOAD_SHOWN * 4 + 8];
			mqtt_walk_quote(q, sizeof q, p->payload, PAYLOAD_SHOWN);
			mqtt_walk_emit(w, hl, p->payload.n, L(BODY), "%zu bytes %s",
			     p->payload.n, q);
		}
		return;
	}
}

int mqtt_fields_each(enum mqtt_version v, const uint8_t *in, size_t len,
		     const struct mqtt_packet *pkt, mqtt_field_fn *fn,
		     void *arg)
{
	size_t hl = 1 + (size_t)pkt->rl_bytes;
	TRY(mqtt_fields_header(v, in, len, hl, fn, arg));
	const struct mqtt_walk w = {v, in, fn, arg};
	if (v == MQTT_V5)
		mqtt_walk_body_v5(&w, pkt, hl, len);
	else
		body_fields(&w, pkt, hl, len);
	return 0;
}

int mqtt_fields_decode(enum mqtt_version v, const uint8_t *in, size_t len,
		       mqtt_field_fn *fn, void *arg, struct mqtt_diag *diag)
{
	TRY(mqtt_version_check(v, diag));
	struct mqtt_frame f;
	struct mqtt_packet pkt;
	int r = mqtt_frame_next(v, in, len, &f, diag);
	if (r < 0)
		return r;
	if (r == 0 || f.total_len != len)
		return MQTT_ERR_MALFORMED;
	TRY(mqtt_decode(v, in, len, &pkt, diag));
	TRY(mqtt_fields_each(v, in, len, &pkt, fn, arg));
	return (int)len;
}
