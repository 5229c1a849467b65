/* test_conn.c - broker URLs (schemes, default ports and paths, IPv6
 * literals, every refusal with its message) and plain TCP connections on
 * loopback: set-up, the byte stream both ways, a refused connect, the next
 * address tried when one fails. No network beyond 127.0.0.1 and ::1. */
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/conn.h"
#include "tests/unit/loopback.h"
#include "tests/unit/suites.h"

static const struct {
	const char *url, *scheme;
	int tls, ws;
	const char *host, *port, *path;
	int family;
} good[] = {
	{"mqtt://127.0.0.1", "mqtt", 0, 0, "127.0.0.1", "1883", "", AF_INET},
	{"mqtts://127.0.0.1", "mqtts", 1, 0, "127.0.0.1", "8883", "", AF_INET},
	{"ws://127.0.0.1", "ws", 0, 1, "127.0.0.1", "80", "/mqtt", AF_INET},
	{"wss://127.0.0.1", "wss", 1, 1, "127.0.0.1", "443", "/mqtt", AF_INET},
	{"mqtt://127.0.0.1:1884/", "mqtt", 0, 0, "127.0.0.1", "1884", "", AF_INET},
	{"mqtts://127.0.0.1:65535", "mqtts", 1, 0, "127.0.0.1", "65535", "", AF_INET},
	{"wss://127.0.0.1:9443/ws/x?y=1", "wss", 1, 1, "127.0.0.1", "9443", "/ws/x?y=1", AF_INET},
	{"ws://127.0.0.1:8080/", "ws", 0, 1, "127.0.0.1", "8080", "/", AF_INET},
	{"mqtt://[::1]:1884", "mqtt", 0, 0, "::1", "1884", "", AF_INET6},
	{"ws://[::1]", "ws", 0, 1, "::1", "80", "/mqtt", AF_INET6},
	/* Leading zeros are a number like any other. */
	{"mqtt://127.0.0.1:01883", "mqtt", 0, 0, "127.0.0.1", "1883", "", AF_INET},
};

START_TEST(parse_good)
{
	struct conn_endpoint ep;
	struct err e;
	ck_assert_msg(conn_endpoint_parse(&ep, good[_i].url, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(ep.url, good[_i].url);
	ck_assert_str_eq(ep.scheme, good[_i].scheme);
	ck_assert_int_eq(ep.tls, good[_i].tls);
	ck_assert_int_eq(ep.ws, good[_i].ws);
	ck_assert_str_eq(ep.host, good[_i].host);
	ck_assert_str_eq(ep.port, good[_i].port);
	ck_assert_str_eq(ep.path, good[_i].path);
	ck_assert_int_ge(ep.naddr, 1);
	ck_assert_int_eq(ep.addr[0].ss_family, good[_i].family);
}
END_TEST

static const struct {
	const char *url, *msg; /* msg follows "URL: " */
} bad[] = {
	{"127.0.0.1:1883", "expected a URL like mqtt://host:port"},
	{"http://127.0.0.1", "unknown scheme (use mqtt://, mqtts://, ws:// or wss://)"},
	{"MQTT://127.0.0.1", "unknown scheme (use mqtt://, mqtts://, ws:// or wss://)"},
	{"mqttss://127.0.0.1", "unknown scheme (use mqtt://, mqtts://, ws:// or wss://)"},
	{"mqtt://[::1:1883", "unterminated IPv6 literal"},
	{"mqtt://", "missing or too long host"},
	{"mqtt://:1883", "missing or too long host"},
	{"mqtt://[]:1883", "missing or too long host"},
	{"mqtt://127.0.0.1:", "bad port"},
	{"mqtt://127.0.0.1:0", "bad port"},
	{"mqtt://127.0.0.1:65536", "bad port"},
	{"mqtt://127.0.0.1:123456", "bad port"},
	{"mqtt://127.0.0.1:x", "bad port"},
	{"mqtt://127.0.0.1/mqtt", "unexpected \"/mqtt\" after the port (a path is only for ws:// and wss://)"},
	{"mqtt://127.0.0.1:1883x", "unexpected \"x\" after the port (a path is only for ws:// and wss://)"},
	{"ws://127.0.0.1:80x", "unexpected \"x\" after the port"},
	{"ws://127.0.0.1/a b", "the path has a space or control character"},
	{"wss://127.0.0.1/a\tb", "the path has a space or control character"},
};

START_TEST(parse_bad)
{
	struct conn_endpoint ep;
	struct err e;
	ck_assert_int_eq(conn_endpoint_parse(&ep, bad[_i].url, &e), -1);
	char want[600];
	snprintf(want, sizeof want, "%s: %s", bad[_i].url, bad[_i].msg);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(parse_host_too_long)
{
	char url[400] = "mqtt://";
	memset(url + 7, 'h', 300);
	url[307] = '\0';
	struct conn_endpoint ep;
	struct err e;
	ck_assert_int_eq(conn_endpoint_parse(&ep, url, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, ": missing or too long host"));
}
END_TEST

/* Drive the set-up to its end (1 open, -1 failed), 3 s at most. */
static int open_conn(struct conn *c, const struct conn_endpoint *ep, struct conn_ctx *ctx, struct err *e)
{
	conn_init(c);
	if (conn_start(c, ep, ctx, e) < 0)
		return -1;
	for (int i = 0; i < 300; i++) {
		struct pollfd p = {c->fd, conn_events(c), 0};
		poll(&p, 1, 10);
		int r = conn_progress(c, e);
		if (r != 0)
			return r;
	}
	return 0;
}

START_TEST(tcp_open_read_write_close)
{
	char url[64];
	int lfd = loopback_listen("mqtt", url, sizeof url);
	struct conn_endpoint ep;
	struct err e;
	ck_assert_msg(conn_endpoint_parse(&ep, url, &e) == 0, "%s", e.msg);
	struct conn c;
	conn_init(&c);
	ck_assert_int_eq(c.fd, -1);
	ck_assert_int_eq(c.state, CONN_CLOSED);
	ck_assert_int_eq(conn_write(&c, (const uint8_t *)"x", 1, &e), -1);
	ck_assert_str_eq(e.msg, "not connected");
	ck_assert_int_eq(conn_progress(&c, &e), -1);
	ck_assert_str_eq(e.msg, "not connected");

	ck_assert_msg(open_conn(&c, &ep, NULL, &e) == 1, "%s", e.msg);
	ck_assert_int_eq(c.state, CONN_OPEN);
	ck_assert_int_eq(conn_pending(&c), 0);
	ck_assert(conn_events(&c) & POLLIN);
	ck_assert(!(conn_events(&c) & POLLOUT));
	int peer = loopback_accept(lfd);
	static const uint8_t ping[] = {0xc0, 0x00}, pong[] = {0xd0, 0x00};
	ck_assert_int_eq(conn_write(&c, ping, 2, &e), 0);
	ck_assert_uint_eq(conn_queued(&c), 0);
	uint8_t buf[16];
	ck_assert_int_eq(recv(peer, buf, sizeof buf, 0), 2);
	ck_assert_mem_eq(buf, ping, 2);
	/* Nothing to read yet is -2, not an error. */
	ck_assert_int_eq(conn_read(&c, buf, sizeof buf, &e), -2);
	ck_assert_int_eq(send(peer, pong, 2, 0), 2);
	struct pollfd p = {c.fd, POLLIN, 0};
	ck_assert_int_eq(poll(&p, 1, 3000), 1);
	ck_assert_int_eq(conn_read(&c, buf, sizeof buf, &e), 2);
	ck_assert_mem_eq(buf, pong, 2);
	close(peer);
	ck_assert_int_eq(poll(&p, 1, 3000), 1);
	ck_assert_int_eq(conn_read(&c, buf, sizeof buf, &e), 0);
	conn_close(&c);
	ck_assert_int_eq(c.fd, -1);
	ck_assert_int_eq(c.state, CONN_CLOSED);
	/* A closed connection keeps its endpoint (for the report) and reads nothing. */
	ck_assert_ptr_eq(c.ep, &ep);
	ck_assert_int_eq(conn_read(&c, buf, sizeof buf, &e), -2);
	close(lfd);
}
END_TEST

START_TEST(tcp_refused)
{
	char url[64];
	loopback_dead_url("mqtt", url, sizeof url);
	struct conn_endpoint ep;
	struct err e;
	ck_assert_msg(conn_endpoint_parse(&ep, url, &e) == 0, "%s", e.msg);
	struct conn c;
	ck_assert_int_eq(open_conn(&c, &ep, NULL, &e), -1);
	char want[128];
	snprintf(want, sizeof want, "connect to %s: Connection refused", url);
	ck_assert_str_eq(e.msg, want);
	conn_close(&c);
}
END_TEST

/* A host with several addresses: one refused, the next is tried. */
START_TEST(tcp_next_address)
{
	char dead[64], live[64];
	loopback_dead_url("mqtt", dead, sizeof dead);
	int lfd = loopback_listen("mqtt", live, sizeof live);
	struct conn_endpoint ep, other;
	struct err e;
	ck_assert_int_eq(conn_endpoint_parse(&ep, dead, &e), 0);
	ck_assert_int_eq(conn_endpoint_parse(&other, live, &e), 0);
	ep.addr[1] = other.addr[0];
	ep.addrlen[1] = other.addrlen[0];
	ep.naddr = 2;
	struct conn c;
	ck_assert_msg(open_conn(&c, &ep, NULL, &e) == 1, "%s", e.msg);
	ck_assert_int_eq(c.addr_index, 1);
	int peer = loopback_accept(lfd);
	close(peer);
	conn_close(&c);
	close(lfd);
}
END_TEST

Suite *conn_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *tc = tcase_create("conn");
	tcase_add_loop_test(tc, parse_good, 0, (int)(sizeof good / sizeof good[0]));
	tcase_add_loop_test(tc, parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, parse_host_too_long);
	tcase_add_test(tc, tcp_open_read_write_close);
	tcase_add_test(tc, tcp_refused);
	tcase_add_test(tc, tcp_next_address);
	suite_add_tcase(s, tc);
	return s;
}
