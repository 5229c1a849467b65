/*
 * bench_codec.c - codec throughput over a realistic mix of packets
 * (scripts/bench.sh, `make bench`).
 *
 *   bench-codec [--protocol 3.1.1|5.0] [REPORT.json] [SECONDS]
 *
 * The mix, in one protocol version (3.1.1 by default): every packet of
 * every wire trace of that version's cases in a `mqttspec run --json`
 * report (what the suite really sends and receives), or, without a report
 * ("-"), a synthetic one (CONNECT, CONNACK, SUBSCRIBE, SUBACK, PUBLISH at
 * QoS 0-2 with 16..1024-byte payloads and the acknowledgements, PINGREQ,
 * PINGRESP; in 5.0 with property blocks: a Session Expiry, a Message Expiry
 * and a User Property on each PUBLISH, reason codes on the acks).
 *
 *   decode = what the engine does with each received packet: mqtt_frame_next
 *            over the stream, mqtt_decode, mqtt_check;
 *   encode = mqtt_encode_size + mqtt_encode of the decoded packets.
 * Each is repeated over the whole mix for about SECONDS (default 1) and
 * printed as packets/s and MB/s of wire bytes.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_prop.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/json_util.h"

/* The version of the mix: set once from the command line. */
static enum mqtt_version ver = MQTT_V311;

struct mix {
	uint8_t *bytes; /* every packet, back to back: a stream */
	size_t len, cap;
	size_t npackets;
};

static void add(struct mix *m, const uint8_t *b, size_t n)
{
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->bytes = alloc_resize(m->bytes, m->cap);
	}
	memcpy(m->bytes + m->len, b, n);
	m->len += n;
	m->npackets++;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Every "hex" of a tx/rx event in the report's wire traces. */
static int from_report(struct mix *m, const char *path)
{
	struct err e;
	cJSON *root = json_util_parse_file(path, &e);
	if (!root) {
		fprintf(stderr, "bench-codec: %s\n", e.msg);
		return -1;
	}
	const cJSON *c, *w;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "cases"))
	{
		const cJSON *pv = cJSON_GetObjectItemCaseSensitive(c, "protocol");
		if (mqtt_version_from_name(cJSON_IsString(pv) ? pv->valuestring : "3.1.1") != (int)ver)
			continue;
		cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(c, "wire"))
		{
			const cJSON *hex = cJSON_GetObjectItemCaseSensitive(w, "hex");
			const cJSON *dir = cJSON_GetObjectItemCaseSensitive(w, "dir");
			if (!cJSON_IsString(hex) || !cJSON_IsString(dir) ||
			    (strcmp(dir->valuestring, "tx") != 0 && strcmp(dir->valuestring, "rx") != 0))
				continue;
			size_t n = strlen(hex->valuestring) / 2;
			uint8_t *b = alloc_bytes(n ? n : 1);
			int ok = 1;
			for (size_t i = 0; i < n && ok; i++) {
				int hi = hexval(hex->valuestring[2 * i]), lo = hexval(hex->valuestring[2 * i + 1]);
				ok = hi >= 0 && lo >= 0;
				b[i] = (uint8_t)(hi << 4 | lo);
			}
			/* Only whole packets that decode: a raw hex step may be anything. */
			struct mqtt_frame f;
			struct mqtt_packet p;
			if (ok && mqtt_frame_next(ver, b, n, &f, NULL) == 1 && f.total_len == n && mqtt_decode(ver, b, n, &p, NULL) > 0)
				add(m, b, n);
			free(b);
		}
	}
	cJSON_Delete(root);
	return 0;
}

static void prop_num(struct mqtt_packet *p, const char *key, uint32_t v)
{
	struct mqtt_prop *q = &p->props.items[p->props.count++];
	q->id = mqtt_prop_find(key)->id;
	q->num = v;
}

/* The 5.0 parts of a synthetic packet: a property block on every packet
 * that has one, some properties where a real session has them, reason codes
 * on the acknowledgements. */
static void v5_parts(struct mqtt_packet *p)
{
	if (p->type == MQTT_PINGREQ || p->type == MQTT_PINGRESP)
		return;
	p->props.present = true;
	if (p->type == MQTT_CONNECT)
		prop_num(p, "session_expiry_interval", 30);
	if (p->type == MQTT_CONNACK) {
		prop_num(p, "receive_maximum", 20);
		prop_num(p, "topic_alias_maximum", 10);
	}
	if (p->type == MQTT_PUBLISH) {
		prop_num(p, "message_expiry_interval", 60);
		struct mqtt_prop *q = &p->props.items[p->props.count++];
		q->id = mqtt_prop_find("user_property")->id;
		q->str = (struct mqtt_str){true, {(const uint8_t *)"trace", 5}, -1};
		q->value = (struct mqtt_str){true, {(const uint8_t *)"ab12cd", 6}, -1};
	}
	if (p->type >= MQTT_PUBACK && p->type <= MQTT_PUBCOMP)
		p->has_reason_code = true; /* 0x00, written out */
}

static void put(struct mix *m, struct mqtt_packet *p)
{
	if (ver == MQTT_V5)
		v5_parts(p);
	uint8_t buf[2048];
	int n = mqtt_encode(ver, p, buf, sizeof buf);
	if (n > 0)
		add(m, buf, (size_t)n);
}

static struct mqtt_str str(const char *s)
{
	struct mqtt_str r = {true, {(const uint8_t *)s, strlen(s)}, -1};
	return r;
}

static void synthetic(struct mix *m)
{
	static uint8_t payload[1024];
	memset(payload, 'x', sizeof payload);
	struct mqtt_packet p;
	for (int round = 0; round < 64; round++) {
		mqtt_packet_init(&p, MQTT_CONNECT);
		mqtt_packet_set_protocol(&p, ver);
		p.connect_flags = MQTT_CF_CLEAN_SESSION;
		p.keep_alive = 60;
		p.client_id = str("msab12cd000a");
		put(m, &p);
		mqtt_packet_init(&p, MQTT_CONNACK);
		put(m, &p);
		mqtt_packet_init(&p, MQTT_SUBSCRIBE);
		p.flags = 2;
		p.has_packet_id = true;
		p.packet_id = (uint16_t)(round + 1);
		p.entry_count = 2;
		p.entries[0].filter = str("mqttspec/ab12cd/case/+");
		p.entries[0].has_qos = true;
		p.entries[0].qos = 1;
		p.entries[1].filter = str("mqttspec/ab12cd/case/#");
		p.entries[1].has_qos = true;
		p.entries[1].qos = 2;
		put(m, &p);
		mqtt_packet_init(&p, MQTT_SUBACK);
		p.has_packet_id = true;
		p.packet_id = (uint16_t)(round + 1);
		p.code_count = 2;
		p.codes[0] = 1;
		p.codes[1] = 2;
		put(m, &p);
		for (int q = 0; q < 3; q++) {
			mqtt_packet_init(&p, MQTT_PUBLISH);
			p.flags = (uint8_t)(q << MQTT_PF_QOS_SHIFT);
			p.topic = str("mqttspec/ab12cd/case/x");
			p.has_packet_id = q > 0;
			p.packet_id = (uint16_t)(100 + round);
			p.payload.p = payload;
			p.payload.n = (size_t)16 << (round % 7); /* 16 .. 1024 bytes */
			put(m, &p);
		}
		static const enum mqtt_type acks[] = {MQTT_PUBACK, MQTT_PUBREC, MQTT_PUBREL, MQTT_PUBCOMP};
		for (size_t a = 0; a < 4; a++) {
			mqtt_packet_init(&p, acks[a]);
			p.flags = acks[a] == MQTT_PUBREL ? 2 : 0;
			p.has_packet_id = true;
			p.packet_id = (uint16_t)(100 + round);
			put(m, &p);
		}
		mqtt_packet_init(&p, MQTT_PINGREQ);
		put(m, &p);
		mqtt_packet_init(&p, MQTT_PINGRESP);
		put(m, &p);
	}
}

/* The result of each pass goes here, so the compiler cannot drop the work. */
static volatile size_t sink;

/* One pass of the engine's receive path over the whole stream. */
static size_t decode_pass(const struct mix *m, struct mqtt_packet *out)
{
	size_t off = 0, k = 0;
	while (off < m->len) {
		struct mqtt_frame f;
		if (mqtt_frame_next(ver, m->bytes + off, m->len - off, &f, NULL) != 1)
			break;
		struct mqtt_diag d;
		if (mqtt_decode(ver, m->bytes + off, f.total_len, &out[k], &d) > 0)
			sink += (size_t)mqtt_check(ver, &out[k], MQTT_FROM_ANY, &d);
		off += f.total_len;
		k++;
	}
	return k;
}

static void report(const char *what, size_t packets, size_t bytes, double secs)
{
	printf("codec %s: %.0f packets/s, %.1f MB/s (%zu packets, %.1f s)\n", what, (double)packets / secs,
	       (double)bytes / secs / 1e6, packets, secs);
}

int main(int argc, char **argv)
{
	struct mix m = {0};
	if (argc > 2 && strcmp(argv[1], "--protocol") == 0) {
		int v = mqtt_version_from_name(argv[2]);
		if (v < 0) {
			fprintf(stderr, "bench-codec: --protocol: expected 3.1.1 or 5.0\n");
			return 2;
		}
		ver = (enum mqtt_version)v;
		argc -= 2, argv += 2;
	}
	double secs = argc > 2 ? atof(argv[2]) : 1.0;
	if (argc > 1 && strcmp(argv[1], "-") != 0) {
		if (from_report(&m, argv[1]) < 0)
			return 2;
	} else {
		synthetic(&m);
	}
	if (m.npackets == 0) {
		fprintf(stderr, "bench-codec: no packets in the mix\n");
		return 2;
	}
	printf("codec %s mix: %zu packets, %zu bytes (%.1f bytes each), from %s\n", mqtt_version_name(ver), m.npackets, m.len,
	       (double)m.len / (double)m.npackets, argc > 1 && strcmp(argv[1], "-") != 0 ? argv[1] : "a synthetic mix");
	struct mqtt_packet *pk = alloc_bytes(m.npackets * sizeof *pk);
	size_t got = decode_pass(&m, pk); /* warm-up, and the packets encode uses */

	size_t passes = 0;
	double t0 = clock_ms() / 1e3, t;
	do {
		decode_pass(&m, pk);
		passes++;
		t = clock_ms() / 1e3 - t0;
	} while (t < secs);
	report(ver == MQTT_V5 ? "5.0 decode" : "3.1.1 decode", passes * got, passes * m.len, t);

	uint8_t *out = alloc_bytes(m.len);
	passes = 0;
	t0 = clock_ms() / 1e3;
	do {
		size_t off = 0;
		for (size_t i = 0; i < got; i++) {
			size_t n = mqtt_encode_size(ver, &pk[i]);
			int w = mqtt_encode(ver, &pk[i], out + off, m.len - off);
			if (w > 0)
				off += (size_t)w;
			sink += n;
		}
		passes++;
		t = clock_ms() / 1e3 - t0;
	} while (t < secs);
	report(ver == MQTT_V5 ? "5.0 encode" : "3.1.1 encode", passes * got, passes * m.len, t);
	free(out);
	free(pk);
	free(m.bytes);
	return 0;
}
