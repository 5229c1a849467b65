/*
 * report_fields.c - a decoded packet as wire fields (see report_fields.h).
 *
 * Offsets come from the decoded packet itself: strings and payloads are
 * slices into the input, so their position is exact; fixed-size fields are
 * placed by walking the layout of codec/mqtt.h from the field before them.
 */
#include "reports/report_fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STR_SHOWN 64
#define PAYLOAD_SHOWN 48

struct walk {
	const uint8_t *in;
	void (*fn)(void *, const struct report_field *);
	void *arg;
};

__attribute__((format(printf, 5, 6))) static void emit(struct walk *w, size_t off, size_t len, const char *name,
						       const char *fmt, ...)
{
	struct report_field f;
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
static void quote(char *buf, size_t cap, struct mqtt_slice s, size_t max)
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

/* A length-prefixed string or binary field; `binary` also gives the size. */
static void str_field(struct walk *w, const char *name, const struct mqtt_str *s, int binary)
{
	if (!s->present)
		return;
	char q[STR_SHOWN * 4 + 8];
	quote(q, sizeof q, s->s, STR_SHOWN);
	size_t off = (size_t)(s->s.p - w->in) - 2;
	if (binary)
		emit(w, off, s->s.n + 2, name, "%zu bytes %s", s->s.n, q);
	else
		emit(w, off, s->s.n + 2, name, "%s (length %zu)", q, s->s.n);
}

static void u16_field(struct walk *w, size_t off, const char *name, unsigned v)
{
	emit(w, off, 2, name, "%u", v);
}

static const char *connack_rc(uint8_t rc)
{
	static const char *const names[] = {"accepted", "unacceptable protocol version", "identifier rejected",
					    "server unavailable", "bad user name or password", "not authorized"};
	return rc < 6 ? names[rc] : "reserved";
}

static void connect_fields(struct walk *w, const struct mqtt_packet *p)
{
	str_field(w, "protocol name", &p->protocol_name, 0);
	size_t off = (size_t)(p->protocol_name.s.p - w->in) + p->protocol_name.s.n;
	emit(w, off, 1, "protocol level", "%u%s", p->protocol_level, p->protocol_level == 4 ? " (3.1.1)" : "");
	uint8_t f = p->connect_flags;
	emit(w, off + 1, 1, "connect flags",
	     "0x%02x: user name %u, password %u, will retain %u, will QoS %u, will %u, clean session %u, reserved %u", f,
	     (f & MQTT_CF_USERNAME) ? 1u : 0u, (f & MQTT_CF_PASSWORD) ? 1u : 0u, (f & MQTT_CF_WILL_RETAIN) ? 1u : 0u,
	     (unsigned)(f >> MQTT_CF_WILL_QOS_SHIFT) & 3u, (f & MQTT_CF_WILL) ? 1u : 0u,
	     (f & MQTT_CF_CLEAN_SESSION) ? 1u : 0u, (f & MQTT_CF_RESERVED) ? 1u : 0u);
	emit(w, off + 2, 2, "keep alive", "%u s", (unsigned)p->keep_alive);
	str_field(w, "client id", &p->client_id, 0);
	str_field(w, "will topic", &p->will_topic, 0);
	str_field(w, "will message", &p->will_message, 1);
	str_field(w, "user name", &p->username, 0);
	if (p->password.present) /* never shown, as in mqtt_print */
		emit(w, (size_t)(p->password.s.p - w->in) - 2, p->password.s.n + 2, "password", "%zu bytes (not shown)",
		     p->password.s.n);
}

static void publish_fields(struct walk *w, const struct mqtt_packet *p, size_t end)
{
	str_field(w, "topic name", &p->topic, 0);
	size_t off = (size_t)(p->topic.s.p - w->in) + p->topic.s.n;
	if (p->has_packet_id)
		u16_field(w, off, "packet id", p->packet_id);
	char q[PAYLOAD_SHOWN * 4 + 8];
	quote(q, sizeof q, p->payload, PAYLOAD_SHOWN);
	size_t poff = p->payload.p ? (size_t)(p->payload.p - w->in) : end;
	emit(w, poff, p->payload.n, "payload", "%zu bytes %s", p->payload.n, q);
}

static void entry_fields(struct walk *w, const struct mqtt_packet *p, size_t off)
{
	u16_field(w, off, "packet id", p->packet_id);
	static const char *const fnames[] = {"topic filter", "requested QoS"};
	for (size_t i = 0; i < p->entry_count && i < MQTT_MAX_ENTRIES; i++) {
		const struct mqtt_entry *en = &p->entries[i];
		str_field(w, fnames[0], &en->filter, 0);
		if (!en->has_qos)
			continue;
		size_t qoff = (size_t)(en->filter.s.p - w->in) + en->filter.s.n;
		if (en->qos <= 2)
			emit(w, qoff, 1, fnames[1], "%u", en->qos);
		else
			emit(w, qoff, 1, fnames[1], "0x%02x (reserved bits or QoS 3)", en->qos);
	}
}

void report_fields_header(const uint8_t *in, size_t len, size_t header_len,
			  void (*fn)(void *arg, const struct report_field *f), void *arg)
{
	struct walk w = {in, fn, arg};
	if (len == 0)
		return;
	enum mqtt_type t = (enum mqtt_type)(in[0] >> 4);
	unsigned flags = in[0] & 0x0Fu;
	emit(&w, 0, 1, "packet type", "%s (%u)", mqtt_type_name(t), (unsigned)t);
	int want = mqtt_type_required_flags(t);
	if (t == MQTT_PUBLISH)
		emit(&w, 0, 1, "flags", "0x%x: DUP %u, QoS %u, RETAIN %u", flags, (flags & MQTT_PF_DUP) ? 1u : 0u,
		     (flags >> MQTT_PF_QOS_SHIFT) & 3u, flags & MQTT_PF_RETAIN);
	else if (want >= 0 && (int)flags != want)
		emit(&w, 0, 1, "flags", "0x%x (Table 2.2 requires 0x%x)", flags, (unsigned)want);
	else
		emit(&w, 0, 1, "flags", "0x%x", flags);
	if (header_len < 2)
		return;
	uint32_t v = 0;
	for (size_t i = header_len - 1; i >= 1; i--)
		v = (v << 7) | (in[i] & 0x7Fu);
	emit(&w, 1, header_len - 1, "remaining length", "%lu", (unsigned long)v);
}

void report_fields_each(const uint8_t *in, size_t len, const struct mqtt_packet *pkt,
			void (*fn)(void *arg, const struct report_field *f), void *arg)
{
	struct walk w = {in, fn, arg};
	size_t hl = 1 + (size_t)pkt->rl_bytes;
	report_fields_header(in, len, hl, fn, arg);
	switch (pkt->type) {
	case MQTT_CONNECT:
		connect_fields(&w, pkt);
		return;
	case MQTT_CONNACK:
		emit(&w, hl, 1, "acknowledge flags", "0x%02x: session present %u%s", pkt->ack_flags, pkt->ack_flags & 1u,
		     (pkt->ack_flags & 0xFE) ? ", reserved bits set" : "");
		emit(&w, hl + 1, 1, "return code", "0x%02x (%s)", pkt->return_code, connack_rc(pkt->return_code));
		return;
	case MQTT_PUBLISH:
		publish_fields(&w, pkt, len);
		return;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		u16_field(&w, hl, "packet id", pkt->packet_id);
		return;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		entry_fields(&w, pkt, hl);
		return;
	case MQTT_SUBACK:
		u16_field(&w, hl, "packet id", pkt->packet_id);
		for (size_t i = 0; i < pkt->code_count && i < MQTT_MAX_ENTRIES; i++) {
			uint8_t c = pkt->codes[i];
			emit(&w, hl + 2 + i, 1, "return code", "0x%02x (%s)", c,
			     c <= 2 ? (c == 0 ? "granted QoS 0" : c == 1 ? "granted QoS 1" : "granted QoS 2")
				    : c == 0x80 ? "failure" : "reserved");
		}
		return;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return;
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		if (pkt->payload.n) {
			char q[PAYLOAD_SHOWN * 4 + 8];
			quote(q, sizeof q, pkt->payload, PAYLOAD_SHOWN);
			emit(&w, hl, pkt->payload.n, "body", "%zu bytes %s", pkt->payload.n, q);
		}
		return;
	}
}
