/*
 * fuzz_frame_decode.c - libFuzzer target: bytes from a broker.
 *
 * The input is a byte stream as the engine reads it from a socket: it is
 * framed (mqtt_frame_next) packet by packet, each packet decoded, checked in
 * every direction, printed (into buffers of several sizes, as the trace and
 * reports do) and, whenever it decodes, encoded again: the encoder must
 * reproduce the bytes exactly and decode(encode(decode(x))) must equal
 * decode(x) field by field (the harness sends what the decoder showed).
 * Topic names and filters also go through the topic rules and the matcher.
 * Every input is read twice, as 3.1.1 and as 5.0 (properties, reason codes
 * and the short forms), with the same promises.
 *
 * A bug is an abort (or a sanitizer report), so the same function doubles
 * as a regression test under gcc: tests/fuzz/replay_main.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_fields.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_topic.h"
#include "codec/mqtt_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() with a message: libFuzzer and the replay both report it as a crash. */
#define REQUIRE(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_frame_decode: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* A diag message must be a NUL-terminated string within its buffer. */
static void diag_ok(const struct mqtt_diag *d)
{
	REQUIRE(memchr(d->msg, '\0', sizeof d->msg) != NULL, "diag message not terminated");
}

static int slice_eq(struct mqtt_slice a, struct mqtt_slice b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static int str_eq(const struct mqtt_str *a, const struct mqtt_str *b)
{
	return a->present == b->present && a->len_override == b->len_override && slice_eq(a->s, b->s);
}

static int props_eq(const struct mqtt_props *a, const struct mqtt_props *b)
{
	if (a->present != b->present || a->len_bytes != b->len_bytes || a->len_override != b->len_override ||
	    a->count != b->count)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		const struct mqtt_prop *x = &a->items[i], *y = &b->items[i];
		if (x->id != y->id || x->num != y->num || !str_eq(&x->str, &y->str) || !str_eq(&x->value, &y->value) ||
		    x->has_raw != y->has_raw)
			return 0;
	}
	return 1;
}

/* Field-wise equality of two decoded packets; the name of the first field
 * that differs, or NULL. */
static const char *packet_diff(const struct mqtt_packet *a, const struct mqtt_packet *b)
{
	if (a->type != b->type)
		return "type";
	if (a->flags != b->flags)
		return "flags";
	if (a->remaining_length != b->remaining_length || a->rl_bytes != b->rl_bytes || a->rl_override != b->rl_override)
		return "remaining length";
	if (!str_eq(&a->protocol_name, &b->protocol_name) || a->protocol_level != b->protocol_level ||
	    a->connect_flags != b->connect_flags || a->keep_alive != b->keep_alive)
		return "CONNECT header";
	if (!str_eq(&a->client_id, &b->client_id) || !str_eq(&a->will_topic, &b->will_topic) ||
	    !str_eq(&a->will_message, &b->will_message) || !str_eq(&a->username, &b->username) ||
	    !str_eq(&a->password, &b->password))
		return "CONNECT payload";
	if (a->ack_flags != b->ack_flags || a->return_code != b->return_code)
		return "CONNACK";
	if (!str_eq(&a->topic, &b->topic) || !slice_eq(a->payload, b->payload))
		return "topic or payload";
	if (a->has_packet_id != b->has_packet_id || a->packet_id != b->packet_id)
		return "packet id";
	if (a->entry_count != b->entry_count)
		return "entry count";
	for (size_t i = 0; i < a->entry_count; i++) {
		const struct mqtt_entry *x = &a->entries[i], *y = &b->entries[i];
		if (!str_eq(&x->filter, &y->filter) || x->has_qos != y->has_qos || x->qos != y->qos)
			return "entry";
	}
	if (a->code_count != b->code_count || memcmp(a->codes, b->codes, a->code_count) != 0)
		return "return codes";
	if (a->has_reason_code != b->has_reason_code || a->reason_code != b->reason_code)
		return "reason code";
	if (!props_eq(&a->props, &b->props) || !props_eq(&a->will_props, &b->will_props))
		return "properties";
	if (!slice_eq(a->extra, b->extra))
		return "extra";
	return NULL;
}

/* Print into buffers of several sizes: the same length every time, always
 * terminated, never written past cap. */
static void print_all(enum mqtt_version v, const struct mqtt_packet *p)
{
	static const size_t caps[] = {1, 2, 7, 64, 400};
	size_t want = mqtt_print_v(v, p, NULL, 0);
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		char *buf = malloc(caps[i]);
		size_t got = mqtt_print_v(v, p, buf, caps[i]);
		REQUIRE(got == want, "mqtt_print length %zu at cap %zu, %zu at cap 0", got, caps[i], want);
		REQUIRE(strlen(buf) == (want < caps[i] ? want : caps[i] - 1), "mqtt_print truncation");
		free(buf);
	}
}

static void topics(enum mqtt_version v, const struct mqtt_packet *p)
{
	struct mqtt_diag d;
	if (p->type == MQTT_PUBLISH) {
		memset(&d, 0, sizeof d);
		if (mqtt_topic_check_name(v, p->topic.s.p, p->topic.s.n, &d) < 0)
			diag_ok(&d);
	}
	for (size_t i = 0; i < p->entry_count; i++) {
		const struct mqtt_slice f = p->entries[i].filter.s;
		memset(&d, 0, sizeof d);
		if (mqtt_topic_check_filter(v, f.p, f.n, &d) < 0)
			diag_ok(&d);
		/* A filter always matches itself once it has no wildcard. */
		int wild = memchr(f.p, '+', f.n) != NULL || memchr(f.p, '#', f.n) != NULL;
		if (!wild && f.n > 0 && f.p[0] != '$')
			REQUIRE(mqtt_topic_match(f.p, f.n, f.p, f.n), "literal filter does not match itself");
		/* And against the next filter, as a name (any bytes: must not crash). */
		if (i + 1 < p->entry_count)
			(void)mqtt_topic_match(f.p, f.n, p->entries[i + 1].filter.s.p, p->entries[i + 1].filter.s.n);
	}
	memset(&d, 0, sizeof d);
	if (p->client_id.present && mqtt_utf8_check(v, p->client_id.s.p, p->client_id.s.n, &d) < 0)
		diag_ok(&d);
}

/* encode(decode(x)) == x byte for byte, and decodes to the same fields. */
static void round_trip(enum mqtt_version v, const uint8_t *raw, size_t len, const struct mqtt_packet *p)
{
	size_t n = mqtt_encode_size(v, p);
	REQUIRE(n == len, "encode size %zu for a %zu-byte packet", n, len);
	uint8_t *out = malloc(n);
	REQUIRE(mqtt_encode(v, p, out, n - 1) == MQTT_ERR_BUFFER, "short buffer not refused");
	int w = mqtt_encode(v, p, out, n);
	REQUIRE(w == (int)n, "encode returned %d, size said %zu", w, n);
	REQUIRE(memcmp(out, raw, n) == 0, "re-encoded bytes differ");
	struct mqtt_packet q;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	int r = mqtt_decode(v, out, n, &q, &d);
	REQUIRE(r == (int)n, "re-encoded packet does not decode: %s", d.msg);
	const char *diff = packet_diff(p, &q);
	REQUIRE(diff == NULL, "decode(encode(decode(x))) differs in %s", diff);
	free(out);
}

struct tiling {
	size_t len;
	size_t next; /* from byte 1 on, where the next field must start */
	size_t count;
};

static void tile(void *arg, const struct mqtt_field *f)
{
	struct tiling *t = arg;
	REQUIRE(f->offset + f->len <= t->len, "field %s [%zu, +%zu) past %zu bytes", f->name, f->offset, f->len, t->len);
	REQUIRE(memchr(f->value, '\0', sizeof f->value) != NULL, "field %s value not terminated", f->name);
	if (t->count++ < 2) /* type and flags share byte 0 */
		return;
	REQUIRE(f->offset == t->next, "field %s at %zu, expected %zu", f->name, f->offset, t->next);
	t->next += f->len;
}

static void fields(enum mqtt_version v, const uint8_t *raw, size_t len)
{
	struct tiling t = {len, 1, 0};
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	REQUIRE(mqtt_fields_decode(v, raw, len, tile, &t, &d) == (int)len, "field walk refused: %s", d.msg);
	REQUIRE(t.next == len, "fields end at %zu of %zu bytes", t.next, len);
}

static void one_packet(enum mqtt_version v, const uint8_t *in, size_t len)
{
	/* An exact-size copy: ASan then sees any read past the packet. */
	uint8_t *raw = malloc(len);
	memcpy(raw, in, len);
	struct mqtt_packet p;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	int r = mqtt_decode(v, raw, len, &p, &d);
	if (r < 0) {
		REQUIRE(r == MQTT_ERR_MALFORMED || r == MQTT_ERR_LIMIT, "decode returned %d", r);
		diag_ok(&d);
		REQUIRE(d.offset <= len, "diag offset %zu past %zu bytes", d.offset, len);
		free(raw);
		return;
	}
	REQUIRE(r == (int)len, "decode consumed %d of %zu", r, len);
	static const enum mqtt_dir dirs[] = {MQTT_FROM_ANY, MQTT_FROM_SERVER, MQTT_FROM_CLIENT};
	for (size_t i = 0; i < 3; i++) {
		memset(&d, 0, sizeof d);
		int c = mqtt_check(v, &p, dirs[i], &d);
		REQUIRE(c == 0 || c == MQTT_ERR_VIOLATION, "check returned %d", c);
		if (c < 0) {
			diag_ok(&d);
			REQUIRE(d.clause != NULL, "a violation without a clause: %s", d.msg);
		}
	}
	print_all(v, &p);
	topics(v, &p);
	fields(v, raw, len);
	round_trip(v, raw, len, &p);
	free(raw);
}

static void stream(enum mqtt_version v, const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		struct mqtt_frame f;
		struct mqtt_diag d;
		memset(&d, 0, sizeof d);
		int r = mqtt_frame_next(v, data + off, size - off, &f, &d);
		if (r < 0) {
			REQUIRE(r == MQTT_ERR_MALFORMED, "frame returned %d", r);
			diag_ok(&d);
			/* The engine shows up to 16 of these bytes; decode must refuse them too. */
			struct mqtt_packet p;
			REQUIRE(mqtt_decode(v, data + off, size - off, &p, NULL) < 0, "decode took an unframable packet");
			break;
		}
		if (r == 0) {
			REQUIRE(f.header_len == 0 || f.total_len > size - off, "incomplete frame that fits");
			/* Whatever is left is not a packet: decode must say so, not read past it. */
			uint8_t *rest = malloc(size - off);
			memcpy(rest, data + off, size - off);
			struct mqtt_packet p;
			REQUIRE(mqtt_decode(v, rest, size - off, &p, NULL) < 0, "decode took an incomplete packet");
			free(rest);
			break;
		}
		REQUIRE(f.total_len >= 2 && f.total_len <= size - off, "frame of %zu bytes", f.total_len);
		one_packet(v, data + off, f.total_len);
		off += f.total_len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream(MQTT_V311, data, size);
	stream(MQTT_V5, data, size);
	return 0;
}
