/* Tests of WebSocket framing: the pure frame codec, and the connection's
 * deframing over a socketpair (fragments, several MQTT packets in one frame,
 * control frames between data frames, 16- and 64-bit lengths). */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/conn.h"
#include "net/ws_frame.h"
#include "tests/unit/suites.h"

/* An unmasked server frame. */
static size_t server_frame(int fin, int opcode, const uint8_t *p, size_t n, uint8_t *out)
{
	size_t h = 0;
	out[h++] = (uint8_t)((fin ? 0x80 : 0) | opcode);
	if (n < 126) {
		out[h++] = (uint8_t)n;
	} else if (n <= 0xFFFF) {
		out[h++] = 126;
		out[h++] = (uint8_t)(n >> 8);
		out[h++] = (uint8_t)n;
	} else {
		out[h++] = 127;
		for (int i = 7; i >= 0; i--)
			out[h++] = (uint8_t)((uint64_t)n >> (8 * i));
	}
	memcpy(out + h, p, n);
	return h + n;
}

START_TEST(ws_frame_accept_matches_rfc6455_example)
{
	char out[32];
	/* RFC 6455 section 1.3 */
	ws_frame_accept("dGhlIHNhbXBsZSBub25jZQ==", out);
	ck_assert_str_eq(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
END_TEST

START_TEST(ws_frame_encode_parse_round_trip_all_length_forms)
{
	static const size_t sizes[] = {0, 1, 125, 126, 65535, 65536, 70000};
	uint8_t mask[4] = {1, 2, 3, 4};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		uint8_t *p = malloc(n + 1), *f = malloc(ws_frame_size(n)), *back = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)(i * 7);
		size_t sz = ws_frame_encode(WS_BINARY, mask, p, n, f);
		ck_assert_uint_eq(sz, ws_frame_size(n));
		struct ws_frame fr;
		/* Every prefix is incomplete, never malformed. */
		for (size_t cut = 0; cut < sz; cut += (sz / 50) + 1)
			ck_assert_int_eq(ws_frame_parse(f, cut, &fr), 0);
		ck_assert_int_eq(ws_frame_parse(f, sz, &fr), 1);
		ck_assert_int_eq(fr.masked, 1);
		ck_assert_int_eq(fr.opcode, WS_BINARY);
		ck_assert_uint_eq(fr.payload_len, n);
		ws_frame_unmask(&fr, back);
		ck_assert(n == 0 || memcmp(back, p, n) == 0);
		free(p);
		free(f);
		free(back);
	}
}
END_TEST

START_TEST(ws_frame_parse_rejects_64bit_length_with_top_bit)
{
	uint8_t f[10] = {0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1};
	struct ws_frame fr;
	ck_assert_int_eq(ws_frame_parse(f, sizeof f, &fr), -1);
}
END_TEST

/* A WebSocket connection whose server side is `peer`. */
static struct conn_endpoint ep;

static void open_pair(struct conn *c, int *peer)
{
	int sv[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	/* The connection side is non-blocking, as the engine's are. */
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK), 0);
	memset(&ep, 0, sizeof ep);
	ep.ws = 1;
	snprintf(ep.url, sizeof ep.url, "ws://test/mqtt");
	conn_init(c);
	c->fd = sv[0];
	c->ep = &ep;
	c->state = CONN_OPEN;
	*peer = sv[1];
}

/* Read the MQTT stream until `want` bytes or nothing more is pending. */
static size_t read_all(struct conn *c, uint8_t *buf, size_t want)
{
	size_t got = 0;
	struct err e;
	while (got < want) {
		long r = conn_read(c, buf + got, want - got, &e);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

START_TEST(ws_conn_fragments_and_control_frames_between)
{
	struct conn c;
	int peer;
	open_pair(&c, &peer);
	/* PUBACK id 7 split across a BINARY (no FIN) and a CONTINUATION, with a PING between. */
	uint8_t buf[256];
	size_t n = 0;
	const uint8_t a[] = {0x40, 0x02}, b[] = {0x00, 0x07}, ping[] = {'h', 'i'};
	n += server_frame(0, WS_BINARY, a, 2, buf + n);
	n += server_frame(1, WS_PING, ping, 2, buf + n);
	n += server_frame(1, WS_CONTINUATION, b, 2, buf + n);
	ck_assert_int_eq(write(peer, buf, n), (ssize_t)n);
	uint8_t out[8];
	ck_assert_uint_eq(read_all(&c, out, 4), 4);
	ck_assert_mem_eq(out, "\x40\x02\x00\x07", 4);
	/* The PING was answered with a masked PONG carrying the same payload. */
	uint8_t reply[64];
	ssize_t rn = read(peer, reply, sizeof reply);
	ck_assert_int_gt(rn, 0);
	struct ws_frame fr;
	ck_assert_int_eq(ws_frame_parse(reply, (size_t)rn, &fr), 1);
	ck_assert_int_eq(fr.opcode, WS_PONG);
	ck_assert_int_eq(fr.masked, 1);
	uint8_t pl[2];
	ws_frame_unmask(&fr, pl);
	ck_assert_mem_eq(pl, "hi", 2);
	conn_close(&c);
	close(peer);
}
END_TEST

START_TEST(ws_conn_several_packets_in_one_frame_and_64bit_length)
{
	struct conn c;
	int peer;
	open_pair(&c, &peer);
	/* 70000 bytes of PINGRESP packets (d0 00) in one frame with a 64-bit length. */
	size_t n = 70000;
	uint8_t *p = malloc(n), *f = malloc(n + 16), *out = malloc(n);
	for (size_t i = 0; i < n; i += 2) {
		p[i] = 0xd0;
		p[i + 1] = 0x00;
	}
	size_t fl = server_frame(1, WS_BINARY, p, n, f);
	ck_assert_uint_eq(fl, n + 10);
	size_t sent = 0;
	size_t got = 0;
	while (sent < fl || got < n) {
		if (sent < fl) {
			ssize_t w = write(peer, f + sent, fl - sent > 8192 ? 8192 : fl - sent);
			ck_assert_int_gt(w, 0);
			sent += (size_t)w;
		}
		got += read_all(&c, out + got, n - got);
	}
	ck_assert_mem_eq(out, p, n);
	free(p);
	free(f);
	free(out);
	conn_close(&c);
	close(peer);
}
END_TEST

START_TEST(ws_conn_text_frame_is_reported_and_close_is_eof)
{
	struct conn c;
	int peer;
	struct err e;
	uint8_t buf[64], out[8];
	open_pair(&c, &peer);
	size_t n = server_frame(1, WS_TEXT, (const uint8_t *)"\xd0\x00", 2, buf);
	ck_assert_int_eq(write(peer, buf, n), (ssize_t)n);
	/* The bytes still arrive (the run goes on); the violation is there to report. */
	ck_assert_int_eq(conn_read(&c, out, sizeof out, &e), 2);
	ck_assert_int_eq(c.violation, CONN_RULE_WS_BINARY);
	conn_close(&c);
	close(peer);

	open_pair(&c, &peer);
	n = server_frame(1, WS_CLOSE, (const uint8_t *)"\x03\xe8", 2, buf);
	ck_assert_int_eq(write(peer, buf, n), (ssize_t)n);
	ck_assert_int_eq(conn_read(&c, out, sizeof out, &e), 0);
	conn_close(&c);
	close(peer);
}
END_TEST

/* The frames a peer got: opcode and FIN of each, payloads joined. */
static size_t peer_frames(int peer, int *ops, int *fins, size_t max, uint8_t *pay, size_t *payn)
{
	uint8_t buf[512];
	ssize_t rn = read(peer, buf, sizeof buf);
	ck_assert_int_gt(rn, 0);
	size_t off = 0, k = 0;
	*payn = 0;
	struct ws_frame fr;
	while (off < (size_t)rn && k < max && ws_frame_parse(buf + off, (size_t)rn - off, &fr) == 1) {
		ck_assert_int_eq(fr.masked, 1);
		ops[k] = fr.opcode;
		fins[k++] = fr.fin;
		ws_frame_unmask(&fr, pay + *payn);
		*payn += fr.payload_len;
		off += fr.header_len + fr.payload_len;
	}
	ck_assert_uint_eq(off, (size_t)rn);
	return k;
}

START_TEST(ws_conn_write_text_split_and_held_bytes)
{
	struct conn c;
	int peer;
	struct err e;
	int ops[8], fins[8];
	uint8_t pay[64];
	size_t pn;
	open_pair(&c, &peer);
	const uint8_t ping[] = {0xc0, 0x00}, pub[] = {0x30, 0x05, 0x00, 0x01, 'a', 'h', 'i'};
	/* A text frame. */
	struct conn_ws_send text = {.opcode = WS_TEXT};
	ck_assert_int_eq(conn_ws_arm(&c, &text, 2, &e), 0);
	ck_assert_int_eq(conn_write(&c, ping, 2, &e), 0);
	ck_assert_uint_eq(peer_frames(peer, ops, fins, 8, pay, &pn), 1);
	ck_assert_int_eq(ops[0], WS_TEXT);
	ck_assert_int_eq(fins[0], 1);
	/* Split at 2 and 5: binary (no FIN), continuation (no FIN), continuation (FIN). */
	struct conn_ws_send split = {.opcode = WS_BINARY, .split = {2, 5}, .nsplit = 2};
	ck_assert_int_eq(conn_ws_arm(&c, &split, sizeof pub, &e), 0);
	ck_assert_int_eq(conn_write(&c, pub, sizeof pub, &e), 0);
	ck_assert_uint_eq(peer_frames(peer, ops, fins, 8, pay, &pn), 3);
	ck_assert_int_eq(ops[0], WS_BINARY);
	ck_assert_int_eq(ops[1], WS_CONTINUATION);
	ck_assert_int_eq(ops[2], WS_CONTINUATION);
	ck_assert(!fins[0] && !fins[1] && fins[2]);
	ck_assert_uint_eq(pn, sizeof pub);
	ck_assert_mem_eq(pay, pub, sizeof pub);
	/* Held: nothing goes out; the next write (default framing) carries both in one frame. */
	struct conn_ws_send hold = {.opcode = WS_BINARY, .hold = 1};
	ck_assert_int_eq(conn_ws_arm(&c, &hold, 2, &e), 0);
	ck_assert_int_eq(conn_write(&c, ping, 2, &e), 0);
	ck_assert_uint_eq(conn_ws_held(&c), 2);
	/* An offset past the held and new bytes is refused before anything is sent. */
	struct conn_ws_send far = {.opcode = WS_BINARY, .split = {9}, .nsplit = 1};
	ck_assert_int_eq(conn_ws_arm(&c, &far, sizeof pub, &e), -1);
	ck_assert_int_eq(conn_write(&c, pub, sizeof pub, &e), 0);
	ck_assert_uint_eq(peer_frames(peer, ops, fins, 8, pay, &pn), 1);
	ck_assert_int_eq(ops[0], WS_BINARY);
	ck_assert_uint_eq(pn, 2 + sizeof pub);
	ck_assert_mem_eq(pay, "\xc0\x00\x30\x05", 4);
	ck_assert_uint_eq(conn_ws_held(&c), 0);
	conn_close(&c);
	close(peer);
	/* Not a WebSocket connection: refused. */
	open_pair(&c, &peer);
	ep.ws = 0;
	ck_assert_int_eq(conn_ws_arm(&c, &text, 2, &e), -1);
	conn_close(&c);
	close(peer);
}
END_TEST

Suite *ws_frame_suite(void)
{
	Suite *s = suite_create("ws_frame");
	TCase *t = tcase_create("frame");
	tcase_add_test(t, ws_frame_accept_matches_rfc6455_example);
	tcase_add_test(t, ws_frame_encode_parse_round_trip_all_length_forms);
	tcase_add_test(t, ws_frame_parse_rejects_64bit_length_with_top_bit);
	tcase_add_test(t, ws_conn_fragments_and_control_frames_between);
	tcase_add_test(t, ws_conn_several_packets_in_one_frame_and_64bit_length);
	tcase_add_test(t, ws_conn_text_frame_is_reported_and_close_is_eof);
	tcase_add_test(t, ws_conn_write_text_split_and_held_bytes);
	suite_add_tcase(s, t);
	return s;
}
