/*
 * mqtt_fields5.c - a decoded 5.0 packet as wire fields (see mqtt_fields.h):
 * each property a field of its own, by its name in the property table, and
 * reason codes by their names in the packet's table.
 *
 * A property's size follows from its type: the decoder accepts only the
 * shortest Variable Byte Integers inside a block, so sizes computed from
 * the values are the bytes on the wire.
 */
#include <stdio.h>

#include "codec/mqtt_fields_int.h"
#include "codec/mqtt_prop.h"

static size_t prop_size(const struct mqtt_prop *p,
			const struct mqtt_prop_def *def)
{
	size_t n = mqtt_vbi_size(p->id);
	switch (def->type) {
	case MQTT_PROP_BYTE:
		return n + 1;
	case MQTT_PROP_U16:
		return n + 2;
	case MQTT_PROP_U32:
		return n + 4;
	case MQTT_PROP_VBI:
		return n + mqtt_vbi_size(p->num);
	case MQTT_PROP_STR:
	case MQTT_PROP_BIN:
		return n + 2 + p->str.s.n;
	case MQTT_PROP_PAIR:
		return n + 4 + p->str.s.n + p->value.s.n;
	}
	return n;
}

static void prop_field(const struct mqtt_walk *w, size_t off,
		       const struct mqtt_prop *p)
{
	const struct mqtt_prop_def *def = mqtt_prop_get(p->id);
	if (def == NULL) /* the decoder refuses them; nothing to place */
		return;
	char a[STR_SHOWN * 4 + 8], b[STR_SHOWN * 4 + 8];
	size_t n = prop_size(p, def);
	switch (def->type) {
	case MQTT_PROP_BYTE:
	case MQTT_PROP_U16:
	case MQTT_PROP_U32:
	case MQTT_PROP_VBI:
		mqtt_walk_emit(w, off, n, def->name, "%lu",
			       (unsigned long)p->num);
		return;
	case MQTT_PROP_STR:
		mqtt_walk_quote(a, sizeof a, p->str.s, STR_SHOWN);
		mqtt_walk_emit(w, off, n, def->name, "%s (length %zu)", a,
			       p->str.s.n);
		return;
	case MQTT_PROP_BIN:
		mqtt_walk_quote(a, sizeof a, p->str.s, STR_SHOWN);
		mqtt_walk_emit(w, off, n, def->name, "%zu bytes %s", p->str.s.n,
			       a);
		return;
	case MQTT_PROP_PAIR:
		mqtt_walk_quote(a, sizeof a, p->str.s, STR_SHOWN);
		mqtt_walk_quote(b, sizeof b, p->value.s, STR_SHOWN);
		mqtt_walk_emit(w, off, n, def->name, "%s = %s", a, b);
		return;
	}
}

/* The block at `off`: its Property Length, then each property. Returns the
 * offset after it. */
static size_t props_fields(const struct mqtt_walk *w, size_t off,
			   const struct mqtt_props *props, const char *label)
{
	if (!props->present)
		return off;
	int len = mqtt_props_length(props);
	mqtt_walk_emit(w, off, props->len_bytes, label, "%d bytes, %zu %s", len,
		       props->count, props->count == 1 ? "property" : "properties");
	off += props->len_bytes;
	for (size_t i = 0; i < props->count && i < MQTT_MAX_PROPS; i++) {
		prop_field(w, off, &props->items[i]);
		const struct mqtt_prop_def *def = mqtt_prop_get(props->items[i].id);
		off += def ? prop_size(&props->items[i], def) : 0;
	}
	return off;
}

static void connect_fields(const struct mqtt_walk *w,
			   const struct mqtt_packet *p)
{
	mqtt_walk_str(w, MQTT_FIELD_PROTOCOL_NAME, &p->protocol_name);
	size_t off = mqtt_walk_at(w, p->protocol_name.s) + p->protocol_name.s.n;
	int mine = p->protocol_level == 5;
	mqtt_walk_emit(w, off, 1, L(PROTOCOL_LEVEL), "%u%s", p->protocol_level,
		       mine ? " (5.0)" : "");
	mqtt_walk_connect_flags(w, off + 1, p->connect_flags);
	mqtt_walk_emit(w, off + 2, 2, L(KEEP_ALIVE), "%u s",
		       (unsigned)p->keep_alive);
	props_fields(w, off + 4, &p->props, "properties");
	mqtt_walk_str(w, MQTT_FIELD_CLIENT_ID, &p->client_id);
	off = mqtt_walk_at(w, p->client_id.s) + p->client_id.s.n;
	props_fields(w, off, &p->will_props, "will properties");
	mqtt_walk_str(w, MQTT_FIELD_WILL_TOPIC, &p->will_topic);
	mqtt_walk_str(w, MQTT_FIELD_WILL_MESSAGE, &p->will_message);
	mqtt_walk_str(w, MQTT_FIELD_USERNAME, &p->username);
	if (p->password.present) /* never shown */
		mqtt_walk_emit(w, mqtt_walk_at(w, p->password.s) - 2,
			       p->password.s.n + 2, L(PASSWORD),
			       "%zu bytes (not shown)", p->password.s.n);
}

static void publish_fields(const struct mqtt_walk *w,
			   const struct mqtt_packet *p, size_t end)
{
	mqtt_walk_str(w, MQTT_FIELD_TOPIC, &p->topic);
	size_t off = mqtt_walk_at(w, p->topic.s) + p->topic.s.n;
	if (p->has_packet_id) {
		mqtt_walk_pid(w, off, p->packet_id);
		off += 2;
	}
	off = props_fields(w, off, &p->props, "properties");
	char q[PAYLOAD_SHOWN * 4 + 8];
	mqtt_walk_quote(q, sizeof q, p->payload, PAYLOAD_SHOWN);
	size_t poff = p->payload.p ? mqtt_walk_at(w, p->payload) : end;
	mqtt_walk_emit(w, poff, p->payload.n, L(PAYLOAD), "%zu bytes %s",
		       p->payload.n, q);
}

/* The acks (with_id), DISCONNECT and AUTH. */
static void reason_fields(const struct mqtt_walk *w,
			  const struct mqtt_packet *p, size_t off, bool with_id)
{
	if (with_id) {
		mqtt_walk_pid(w, off, p->packet_id);
		off += 2;
	}
	if (p->has_reason_code)
		mqtt_walk_code(w, off++, MQTT_FIELD_REASON_CODE, p->type,
			       p->reason_code);
	props_fields(w, off, &p->props, "properties");
}

static void options_field(const struct mqtt_walk *w, size_t off, uint8_t o)
{
	mqtt_walk_emit(w, off, 1, L(SUB_OPTIONS),
		       "0x%02x: %s %u, %s %u, %s %u, %s %u%s", o,
		       L(SUB_MAX_QOS), o & 3u, L(NO_LOCAL), (o >> 2) & 1u,
		       L(RETAIN_AS_PUBLISHED), (o >> 3) & 1u,
		       L(RETAIN_HANDLING), (o >> 4) & 3u,
		       (o & 0xC0) ? ", reserved bits set" : "");
}

static void entry_fields(const struct mqtt_walk *w, const struct mqtt_packet *p,
			 size_t off)
{
	mqtt_walk_pid(w, off, p->packet_id);
	props_fields(w, off + 2, &p->props, "properties");
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		mqtt_walk_str(w, MQTT_FIELD_FILTER, &en->filter);
		if (en->has_qos)
			options_field(w,
				      mqtt_walk_at(w, en->filter.s) +
					      en->filter.s.n,
				      en->qos);
	}
}

static void code_fields(const struct mqtt_walk *w, const struct mqtt_packet *p,
			size_t off)
{
	mqtt_walk_pid(w, off, p->packet_id);
	off = props_fields(w, off + 2, &p->props, "properties");
	for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES; i++)
		mqtt_walk_code(w, off + i, MQTT_FIELD_REASON_CODES_ENTRY, p->type,
			       p->codes[i]);
}

void mqtt_walk_body_v5(const struct mqtt_walk *w, const struct mqtt_packet *p,
		       size_t hl, size_t len)
{
	switch (p->type) {
	case MQTT_CONNECT:
		connect_fields(w, p);
		return;
	case MQTT_CONNACK:
		mqtt_walk_emit(w, hl, 1, L(ACK_FLAGS), "0x%02x: %s %u%s",
			       p->ack_flags, L(SESSION_PRESENT), p->ack_flags & 1u,
			       (p->ack_flags & 0xFE) ? ", reserved bits set" : "");
		mqtt_walk_code(w, hl + 1, MQTT_FIELD_REASON_CODE, p->type,
			       p->return_code);
		props_fields(w, hl + 2, &p->props, "properties");
		return;
	case MQTT_PUBLISH:
		publish_fields(w, p, len);
		return;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
		reason_fields(w, p, hl, true);
		return;
	case MQTT_DISCONNECT:
	case MQTT_RESERVED15: /* AUTH */
		reason_fields(w, p, hl, false);
		return;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		entry_fields(w, p, hl);
		return;
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		code_fields(w, p, hl);
		return;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_RESERVED0:
		if (p->payload.n) {
			char q[PAYLOAD_SHOWN * 4 + 8];
			mqtt_walk_quote(q, sizeof q, p->payload, PAYLOAD_SHOWN);
			mqtt_walk_emit(w, hl, p->payload.n, L(BODY), "%zu bytes %s",
				       p->payload.n, q);
		}
		return;
	}
}
