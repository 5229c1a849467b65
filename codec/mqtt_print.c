/* mqtt_print.c - packet -> one bounded line of text (see mqtt_print.h). */
#include "codec/mqtt_print.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_field_table.h"
#include "codec/mqtt_print_int.h"


void mqtt_put_c(struct mqtt_out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

void mqtt_put_f(struct mqtt_out *o, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	/* Every format here is short; a longer one would just be clipped. */
	for (int i = 0; i < n && i < (int)sizeof tmp - 1; i++)
		mqtt_put_c(o, tmp[i]);
}

void mqtt_put_s(struct mqtt_out *o, const char *s)
{
	while (*s != '\0')
		mqtt_put_c(o, *s++);
}

void mqtt_put_quoted(struct mqtt_out *o, struct mqtt_slice s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	mqtt_put_c(o, '"');
	for (size_t i = 0; i < s.n && i < max; i++) {
		uint8_t b = s.p[i];
		if (b == '"' || b == '\\') {
			mqtt_put_c(o, '\\');
			mqtt_put_c(o, (char)b);
		} else if (b >= 0x20 && b < 0x7F) {
			mqtt_put_c(o, (char)b);
		} else {
			mqtt_put_s(o, "\\x");
			mqtt_put_c(o, hex[b >> 4]);
			mqtt_put_c(o, hex[b & 0x0F]);
		}
	}
	mqtt_put_c(o, '"');
	if (s.n > max)
		mqtt_put_s(o, "...");
}

/* " tag=": a field by its short name in the field table. */
void mqtt_put_tag(struct mqtt_out *o, enum mqtt_field_id id)
{
	mqtt_put_c(o, ' ');
	mqtt_put_s(o, mqtt_field_get(id)->tag);
	mqtt_put_c(o, '=');
}


void mqtt_put_id(struct mqtt_out *o, const struct mqtt_packet *p)
{
	if (!p->has_packet_id)
		return;
	TAG(PACKET_ID);
	mqtt_put_f(o, "%u", (unsigned)p->packet_id);
}

void mqtt_put_connect(struct mqtt_out *o, const struct mqtt_packet *p)
{
	const struct mqtt_slice pn = p->protocol_name.s;
	if (pn.n != 4 || memcmp(pn.p, "MQTT", 4) != 0) {
		TAG(PROTOCOL_NAME);
		mqtt_put_quoted(o, pn, STR_SHOWN);
	}
	TAG(PROTOCOL_LEVEL);
	mqtt_put_f(o, "%u", p->protocol_level);
	TAG(CONNECT_FLAGS);
	mqtt_put_f(o, "0x%02x", p->connect_flags);
	TAG(KEEP_ALIVE);
	mqtt_put_f(o, "%u", (unsigned)p->keep_alive);
	TAG(CLIENT_ID);
	mqtt_put_quoted(o, p->client_id.s, STR_SHOWN);
	if (p->will_topic.present || p->will_message.present) {
		TAG(WILL);
		mqtt_put_quoted(o, p->will_topic.s, STR_SHOWN);
		mqtt_put_f(o, "/%zuB", p->will_message.s.n);
	}
	if (p->username.present) {
		TAG(USERNAME);
		mqtt_put_quoted(o, p->username.s, STR_SHOWN);
	}
	if (p->password.present) {
		TAG(PASSWORD);
		mqtt_put_f(o, "****(%zuB)", p->password.s.n);
	}
}

void mqtt_put_publish(struct mqtt_out *o, const struct mqtt_packet *p)
{
	TAG(QOS);
	mqtt_put_f(o, "%u", (unsigned)(p->flags >> MQTT_PF_QOS_SHIFT) & 3);
	TAG(DUP);
	mqtt_put_f(o, "%u", (p->flags & MQTT_PF_DUP) ? 1u : 0u);
	TAG(RETAIN);
	mqtt_put_f(o, "%u", (p->flags & MQTT_PF_RETAIN) ? 1u : 0u);
	mqtt_put_id(o, p);
	TAG(TOPIC);
	mqtt_put_quoted(o, p->topic.s, STR_SHOWN);
	TAG(PAYLOAD);
	mqtt_put_f(o, "%zuB ", p->payload.n);
	mqtt_put_quoted(o, p->payload, PAYLOAD_SHOWN);
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
		TAG(REQUESTED_QOS);
		mqtt_put_f(o, en->qos <= 2 ? "%u" : "0x%02x", en->qos);
	}
	mqtt_put_c(o, ']');
}

static void put_fields(struct mqtt_out *o, const struct mqtt_packet *p)
{
	switch (p->type) {
	case MQTT_CONNECT:
		mqtt_put_connect(o, p);
		return;
	case MQTT_CONNACK:
		TAG(SESSION_PRESENT);
		mqtt_put_f(o, "%u", p->ack_flags & 1u);
		TAG(RETURN_CODE);
		mqtt_put_f(o, "0x%02x", p->return_code);
		if (p->ack_flags & 0xFE) {
			TAG(ACK_FLAGS);
			mqtt_put_f(o, "0x%02x", p->ack_flags);
		}
		return;
	case MQTT_PUBLISH:
		mqtt_put_publish(o, p);
		return;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		mqtt_put_id(o, p);
		return;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		put_entries(o, p);
		return;
	case MQTT_SUBACK:
		mqtt_put_id(o, p);
		TAG(RETURN_CODES);
		mqtt_put_c(o, '[');
		for (size_t i = 0; i < p->code_count && i < MQTT_MAX_ENTRIES;
		     i++)
			mqtt_put_f(o, i > 0 ? ",0x%02x" : "0x%02x", p->codes[i]);
		mqtt_put_c(o, ']');
		return;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return;
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		TAG(FLAGS);
		mqtt_put_f(o, "0x%x", p->flags & 0x0Fu);
		TAG(BODY);
		mqtt_put_f(o, "%zuB ", p->payload.n);
		mqtt_put_quoted(o, p->payload, PAYLOAD_SHOWN);
		return;
	}
}

size_t mqtt_print(const struct mqtt_packet *pkt, char *buf, size_t cap)
{
	return mqtt_print_v(MQTT_V311, pkt, buf, cap);
}

size_t mqtt_print_v(enum mqtt_version v, const struct mqtt_packet *pkt,
		    char *buf, size_t cap)
{
	struct mqtt_out o = {buf, cap, 0};
	mqtt_put_s(&o, mqtt_type_name_v(v, pkt->type));
	int want = mqtt_type_required_flags_v(v, pkt->type);
	if (want >= 0 && (pkt->flags & 0x0F) != want) {
		mqtt_put_tag(&o, MQTT_FIELD_FLAGS);
		mqtt_put_f(&o, "0x%x", pkt->flags & 0x0Fu);
	}
	if (v == MQTT_V5)
		mqtt_put_fields_v5(&o, pkt);
	else
		put_fields(&o, pkt);
	if (pkt->extra.n > 0) {
		mqtt_put_tag(&o, MQTT_FIELD_EXTRA);
		mqtt_put_f(&o, "%zuB", pkt->extra.n);
	}
	if (cap > 0)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}

size_t mqtt_print_hex(const uint8_t *in, size_t len, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	struct mqtt_out o = {buf, cap, 0};
	for (size_t i = 0; i < len; i++) {
		mqtt_put_c(&o, hex[in[i] >> 4]);
		mqtt_put_c(&o, hex[in[i] & 0x0F]);
	}
	if (cap > 0)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
