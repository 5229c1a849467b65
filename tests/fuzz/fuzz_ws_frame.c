/*
 * fuzz_ws_frame.c - libFuzzer target: WebSocket bytes from a broker.
 *
 * Two passes over the same input:
 * 1. the pure frame codec (net/ws_frame.c): parse frame after frame,
 *    unmask each whole one into an exact-size buffer, and check that
 *    encode -> parse -> unmask gives the payload back;
 * 2. the connection's deframing (net/conn_ws.c), as the engine uses it:
 *    the bytes arrive on a socketpair, conn_read() yields the MQTT stream,
 *    which is then framed as MQTT (what take_packets does next).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec/mqtt_frame.h"
#include "net/conn.h"
#include "net/ws_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_ws_frame: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

static void codec_pass(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		struct ws_frame f;
		int r = ws_frame_parse(data + off, size - off, &f);
		if (r <= 0) {
			REQUIRE(r == 0 || r == -1, "parse returned %d", r);
			REQUIRE(f.header_len <= size - off, "header of %zu bytes in %zu", f.header_len, size - off);
			break;
		}
		REQUIRE(f.header_len >= 2 && f.header_len <= 14, "header_len %zu", f.header_len);
		REQUIRE(f.payload_len <= size - off - f.header_len, "payload past the input");
		REQUIRE(f.payload == data + off + f.header_len, "payload pointer");
		size_t n = (size_t)f.payload_len;
		uint8_t *plain = malloc(n ? n : 1);
		ws_frame_unmask(&f, plain);
		/* Re-frame it as a client would, with this frame's mask (or a fixed one). */
		static const uint8_t fixed[4] = {0x37, 0xfa, 0x21, 0x3d};
		const uint8_t *mask = f.masked ? f.mask : fixed;
		size_t sz = ws_frame_size(n);
		uint8_t *enc = malloc(sz);
		REQUIRE(ws_frame_encode(f.opcode, mask, plain, n, enc) == sz, "encode size");
		struct ws_frame g;
		REQUIRE(ws_frame_parse(enc, sz, &g) == 1, "re-encoded frame does not parse");
		REQUIRE(g.masked && g.fin && g.opcode == f.opcode && g.payload_len == f.payload_len &&
				g.header_len + n == sz,
			"re-encoded frame header differs");
		/* Every proper prefix is incomplete, never malformed. */
		struct ws_frame h;
		for (size_t cut = 0; cut < sz; cut += sz / 8 + 1)
			REQUIRE(ws_frame_parse(enc, cut, &h) == 0, "prefix of %zu bytes not incomplete", cut);
		uint8_t *back = malloc(n ? n : 1);
		ws_frame_unmask(&g, back);
		REQUIRE(n == 0 || memcmp(back, plain, n) == 0, "payload changed in a round trip");
		free(back);
		free(enc);
		free(plain);
		off += f.header_len + n;
	}
	/* The accept key of arbitrary key text (clipped, never overrun). */
	char key[200], acc[32];
	size_t kl = size < sizeof key - 1 ? size : sizeof key - 1;
	memcpy(key, data, kl);
	key[kl] = '\0';
	ws_frame_accept(key, acc);
	REQUIRE(strlen(acc) == 28, "accept key length");
}

static void conn_pass(const uint8_t *data, size_t size)
{
	int sv[2];
	if (size > 100000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	size_t sent = 0;
	while (sent < size) {
		ssize_t w = write(sv[1], data + sent, size - sent);
		if (w <= 0)
			break;
		sent += (size_t)w;
	}
	shutdown(sv[1], SHUT_WR);
	static struct conn_endpoint ep;
	memset(&ep, 0, sizeof ep);
	ep.ws = 1;
	snprintf(ep.url, sizeof ep.url, "ws://fuzz/mqtt");
	struct conn c;
	conn_init(&c);
	c.fd = sv[0];
	c.ep = &ep;
	c.state = CONN_OPEN;
	/* The MQTT stream, framed as the engine would; the engine's 64 KiB reads. */
	size_t cap = 65536, n = 0;
	uint8_t *mq = malloc(cap);
	for (int rounds = 0; rounds < 1000; rounds++) {
		struct err e;
		if (cap - n < 4096) {
			cap *= 2;
			mq = realloc(mq, cap);
		}
		long r = conn_read(&c, mq + n, cap - n, &e);
		if (r <= 0) {
			REQUIRE(r == 0 || r == -1 || r == -2, "conn_read returned %ld", r);
			if (r == -1)
				REQUIRE(e.msg[0] != '\0', "a read error without a message");
			break;
		}
		REQUIRE((size_t)r <= cap - n, "conn_read overran");
		n += (size_t)r;
	}
	REQUIRE(c.violation == CONN_RULE_NONE || c.violation == CONN_RULE_WS_BINARY, "violation %d", (int)c.violation);
	size_t off = 0;
	struct mqtt_frame f;
	while (off < n && mqtt_frame_next(MQTT_V311, mq + off, n - off, &f, NULL) == 1)
		off += f.total_len;
	free(mq);
	conn_close(&c);
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	codec_pass(data, size);
	conn_pass(data, size);
	return 0;
}
