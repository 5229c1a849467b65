/* mqtt_print.c - packet -> one bounded line of text (see mqtt_print.h). */
#include "codec/mqtt_print.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_field_table.h"

#define STR_SHOWN 64
#define PAYLOAD_SHOWN 32

/* Appends like snprintf: counts everything, stores what fits. */
struct out {
	char *buf;
	size_t cap;
	size_t len; /* wanted length so far */
};

static void put_c(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

__attribute__((format(printf, 2, 3))) static void put_f(struct out *o,
							const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	/* Every format here is short; a longer one would just be clipped. */
	for (int i = 0; i < n && i < (int)sizeof tmp - 1; i++)
		put_c(o, tmp[i]);
}

static void put_s(struct out *o, const char *s)
{
	while (*s != '\0')
		put_c(o, *s++);
}

static void put_quoted(struct out *o, struct mqtt_slice s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	put_c(o, '"');
	for (size_t i = 0; i < s.n && i < max; i++) {
		uint8_t b = s.p[i];
		if (b == '"' || b == '\\') {
			put_c(o, '\\');
			put_c(o, (char)b);
		} else if (b >= 0x20 && b < 0x7F) {
			put_c(o, (char)b);
		} else {
			put_s(o, "\\x");
			put_c(o, hex[b >> 4]);
			put_c(o, hex[b & 0x0F]);
		}
	}
	put_c(o, '"');
	if (s.n > max)
		put_s(o, "...");
}

/* " tag=": a field by its short name in the field table. */
static void put_tag(struct out *o, enum mqtt_field_id id)
{
	put_c(o, ' ');
	put_s(o, mqtt_field_get(id)->tag);
	put_c(o, '=');
}

#define TAG(id) put_tag(o, MQTT_FIELD_##id)

static void put_id(struct out *o, const struct mqtt_packet *p)
{
	if (!p->has_packet_id)
		return;
	TAG(PACKET_ID);
	put_f(o, "%u", (unsigned)p->packet_id);
}

static void put_connect(struct out *o, const struct mqtt_packet *p)
{
	const struct mqtt_slice pn = p->protocol_name.s;
	if (pn.n != 4 || memcmp(pn.p, "MQTT", 4) != 0) {
		TAG(PROTOCOL_NAME);
		put_quoted(o, pn, STR_SHOWN);
	}
	TAG(PROTOCOL_LEVEL);
	put_f(o, "%u", p->protocol_level);
	TAG(CONNECT_FLAGS);
	put_f(o, "0x%02x", p->connect_flags);
	TAG(KEEP_ALIVE);
	put_f(o, "%u", (unsigned)p->keep_alive);
	TAG(CLIENT_ID);
	put_quoted(o, p->client_id.s, STR_SHOWN);
	if (p->will_topic.present || p->will_message.present) {
		TAG(WILL);
		put_quoted(o, p->will_topic.s, STR_SHOWN);
		put_f(o, "/%zuB", p->will_message.s.n);
	}
	if (p->username.present) {
		TAG(USERNAME);
		put_quoted(o, p->username.s, STR_SHOWN);
	}
	if (p->password.present) {
		TAG(PASSWORD);
		put_f(o, "****(%zuB)", p->password.s.n);
	}
}

static void put_publish(struct out *o, const struct mqtt_packet *p)
{
	TAG(QOS);
	put_f(o, "%u", (unsigned)(p->flags >> MQTT_PF_QOS_SHIFT) & 3);
	TAG(DUP);
	put_f(o, "%u", (p->flags & MQTT_PF_DUP) ? 1u : 0u);
	TAG(RETAIN);
	put_f(o, "%u", (p->flags & MQTT_PF_RETAIN) ? 1u : 0u);
	put_id(o, p);
	TAG(TOPIC);
	put_quoted(o, p->topic.s, STR_SHOWN);
	TAG(PAYLOAD);
	put_f(o, "%zuB ", p->payload.n);
	put_quoted(o, p->payload, PAYLOAD_SHOWN);
}

static void put_entries(struct out *o, const struct mqtt_packet *p)
{
	put_id(o, p);
	TAG(TOPICS);
	put_c(o, '[');
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		if (i > 0)
			put_c(o, ',');
		put_quoted(o, en->filter.s, STR_SHOWN);
		if (p->type != MQTT_SUBSCRIBE || !en->has_qos)
			continue;
		TAG(REQUESTED_QOS);
		put_f(o, en->qos <= 2 ? "%u" : "0x%02x", en->qos);
	}
	put_c(o, ']');
}

static void put_fields(struct out *o, const struct mqtt_packet *p)
{
	switch (p->type) {
	case MQTT_CONNECT:
		put_connect(o, p);
		return;
	case MQTT_CONNACK:
		TAG(SESSION_PRESENT);
		put_f(o, "%u", p->ack_flags & 1u);
		TAG(RETURN_CODE);
		put_f(o, "0x%02x", p->return_code);
		if (p->ack_flags & 0xFE) {
			TAG(ACK_FLAGS);
			put_f(o, "0x%02x", p->ack_flags);
		}
		return;
	case MQTT_PUBLISH:
		put_publish(o, p);
		return;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		put_id(o, p);
		return;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		put_entries(o, p);
		return;
	case MQTT_SUBACK:
		put_id(o, p);
		TAG(RETURN_CODES);
		put_c(o, '[');
		for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES;
		     i++)
			put_f(o, i > 0 ? ",0x%02x" : "0x%02x", p->codes[i]);
		put_c(o, ']');
		return;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return;
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		TAG(FLAGS);
		put_f(o, "0x%x", p->flags & 0x0Fu);
		TAG(BODY);
		put_f(o, "%zuB ", p->payload.n);
		put_quoted(o, p->payload, PAYLOAD_SHOWN);
		return;
	}
}

size_t mqtt_print(const struct mqtt_packet *pkt, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	put_s(&o, mqtt_type_name(pkt->type));
	int want = mqtt_type_required_flags(pkt->type);
	if (want >= 0 && (pkt->flags & 0x0F) != want) {
		put_tag(&o, MQTT_FIELD_FLAGS);
		put_f(&o, "0x%x", pkt->flags & 0x0Fu);
	}
	put_fields(&o, pkt);
	if (pkt->extra.n > 0) {
		put_tag(&o, MQTT_FIELD_EXTRA);
		put_f(&o, "%zuB", pkt->extra.n);
	}
	if (cap > 0)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}

size_t mqtt_print_hex(const uint8_t *in, size_t len, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	struct out o = {buf, cap, 0};
	for (size_t i = 0; i < len; i++) {
		put_c(&o, hex[in[i] >> 4]);
		put_c(&o, hex[in[i] & 0x0F]);
	}
	if (cap > 0)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
