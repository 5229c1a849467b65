/*
 * auth_broker.c - a fake MQTT 5.0 broker that does enhanced authentication
 * (spec 4.12, the AUTH packet 3.15), right or broken in one way, so the
 * tester's enhanced-authentication cases have a broker to pass and ones to fail.
 *
 *   auth-broker --mode MODE --port-file FILE [--port N]
 *
 * One thread, one poll() loop, on 127.0.0.1; 5.0 only (a CONNECT of another
 * Protocol Level is closed). The method is "mqttspec-fake", two rounds:
 *   CONNECT  [method, data "hello"]
 *     <- AUTH 0x18 [method, "challenge-1"]   -> AUTH 0x18 [method, "answer-1"]
 *     <- AUTH 0x18 [method, "challenge-2"]   -> AUTH 0x18 [method, "answer-2"]
 *     <- CONNACK 0x00 [method]
 * A wrong method or data, or a reason code other than 0x18, in the client's
 * AUTH: CONNACK 0x87 and close; a CONNECT naming another method: CONNACK
 * 0x8C and close; Authentication Data without a method: close. A CONNECT
 * naming no method gets CONNACK 0x00 with no properties at once.
 * Re-authentication (an authenticated connection only): AUTH 0x19 [method,
 * "hello"] runs the same two rounds and ends with AUTH 0x00 [method]; a failure
 * is DISCONNECT 0x87, an AUTH where no method was named DISCONNECT 0x82.
 * After the CONNACK: PINGRESP, SUBACK granting what was asked, UNSUBACK,
 * PUBACK / PUBREC / PUBCOMP; nothing is routed; DISCONNECT closes, and so
 * does a packet that does not decode, one over 16 KB, or 64 KB of answers the
 * client leaves unread.
 *
 * MODE is `good` or one broken rule:
 *   auth-wrong-method   every AUTH it sends names "mqttspec-other" (MQTT-4.12.0-5)
 *   auth-rc-success     the AUTH packets of the connect-time exchange carry
 *                       0x00, not 0x18 (MQTT-4.12.0-2); the exchange goes on
 *   connack-no-method   the CONNACK after the exchange names no method (MQTT-4.12.0-5)
 *   reauth-no-answer    AUTH 0x19 is never answered; the connection stays open
 *   auth-reason-long    every AUTH it sends carries a Reason String of 300
 *                       bytes, past the client's Maximum Packet Size of 256
 *                       (MQTT-3.15.2-2)
 *   auth-user-long      ... a User Property of 300 bytes (MQTT-3.15.2-3)
 *   auth-rc-unknown     the AUTH ending a re-authentication carries 0x05, a
 *                       code outside Table 3-11 (MQTT-3.15.2-1)
 *   auth-flags-ignored  an AUTH whose fixed-header flags are not 0 is taken as
 *                       if they were (in `good`, it is malformed: DISCONNECT
 *                       0x81 after the CONNACK, and the close) (MQTT-3.15.1-1)
 *   auth-refused-open   a CONNACK 0x87 refusing wrong data in the CONNECT
 *                       leaves the connection open (MQTT-4.12.0-4)
 *   auth-answer-refused-open  ... refusing a wrong AUTH answer in the middle
 *                       of the exchange (MQTT-4.12.0-4)
 *   reauth-refused-open a failed re-authentication gets its DISCONNECT 0x87,
 *                       but the connection stays open (MQTT-4.12.1-2)
 *   reauth-refused-silent a failed re-authentication is closed without a
 *                       DISCONNECT (the SHOULD, MQTTSPEC-4.12.1-1)
 *
 * The listening port is written to FILE (atomically) once the socket listens.
 * It runs until killed; SIGTERM and SIGINT exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_frame.h"
#include "tests/tools/fake_listen.h"
#include "codec/mqtt_prop.h"
#include "util/clock.h"

enum mode {
	GOOD,
	AUTH_WRONG_METHOD,
	AUTH_RC_SUCCESS,
	CONNACK_NO_METHOD,
	REAUTH_NO_ANSWER,
	AUTH_REASON_LONG,
	AUTH_USER_LONG,
	AUTH_RC_UNKNOWN,
	AUTH_FLAGS_IGNORED,
	AUTH_REFUSED_OPEN,
	AUTH_ANSWER_REFUSED_OPEN,
	REAUTH_REFUSED_OPEN,
	REAUTH_REFUSED_SILENT
};

static const char *const mode_names[] = {"good",	     "auth-wrong-method", "auth-rc-success",
					 "connack-no-method", "reauth-no-answer", "auth-reason-long",
					 "auth-user-long",    "auth-rc-unknown",  "auth-flags-ignored",
					 "auth-refused-open", "auth-answer-refused-open", "reauth-refused-open",
					 "reauth-refused-silent"};

#define METHOD "mqttspec-fake"
#define RC_SUCCESS 0x00
#define RC_CONTINUE 0x18
#define RC_REAUTH 0x19
#define RC_MALFORMED 0x81
#define RC_PROTOCOL_ERROR 0x82
#define RC_NOT_AUTHORIZED 0x87
#define RC_BAD_METHOD 0x8C

#define MAX_CONNS 512
#define IN_CAP 16384
#define OUT_CAP 65536
/* How long a closing connection still reads: closing with unread input would
 * send a reset, which can destroy the last answer before the client reads it. */
#define LINGER_MS 2000

enum state {
	ST_NEW,	   /* waiting for CONNECT */
	ST_AUTH,   /* the connect-time exchange, before CONNACK */
	ST_OPEN,   /* CONNACK sent */
	ST_REAUTH  /* a re-authentication running (other packets still flow) */
};

struct client {
	int fd;
	enum state state;
	int round;	   /* challenges sent in the running exchange: 1 or 2 */
	int has_method;	   /* the CONNECT named our method */
	int close_when_sent;
	int overflow;	   /* an answer did not fit: the client goes */
	double linger_end; /* > 0: output done, FIN sent, reading until then */
	uint8_t in[IN_CAP];
	size_t inn;
	uint8_t out[OUT_CAP];
	size_t outn, outoff;
};

static struct client *conns[MAX_CONNS];
static size_t nconns;
static enum mode mode;
static uint8_t id_method, id_data;

static void queue_packet(struct client *c, const struct mqtt_packet *p)
{
	if (c->outoff == c->outn)
		c->outoff = c->outn = 0;
	size_t n = mqtt_encode_size(MQTT_V5, p);
	/* A client that leaves its answers unread goes: a dropped answer would
	 * leave a hole in the stream that looks like a broker bug. */
	if (n == 0 || c->outn + n > OUT_CAP ||
	    mqtt_encode(MQTT_V5, p, c->out + c->outn, OUT_CAP - c->outn) != (int)n) {
		c->overflow = 1;
		return;
	}
	c->outn += n;
}

/* Append a string or binary property (the block becomes present). */
static void prop_add_str(struct mqtt_props *pr, uint8_t id, const char *s)
{
	if (pr->count >= MQTT_MAX_PROPS)
		return;
	struct mqtt_prop *p = &pr->items[pr->count++];
	memset(p, 0, sizeof *p);
	p->id = id;
	p->str.len_override = p->value.len_override = -1;
	p->str.present = true;
	p->str.s = (struct mqtt_slice){(const uint8_t *)s, strlen(s)};
	pr->present = true;
}

/* The first property `id` of a decoded block, or NULL. */
static const struct mqtt_str *prop_str(const struct mqtt_props *pr, uint8_t id)
{
	for (size_t i = 0; i < pr->count; i++)
		if (pr->items[i].id == id)
			return &pr->items[i].str;
	return NULL;
}

static int str_is(const struct mqtt_str *s, const char *want)
{
	size_t n = strlen(want);
	return s && s->s.n == n && memcmp(s->s.p, want, n) == 0;
}

/* auth-refused-open, auth-answer-refused-open: a refused authentication (not
 * a refused method or a protocol error) is said, but not acted on; at the
 * CONNECT (state ST_NEW) or at a client's AUTH answer (ST_AUTH). */
static int refusal_left_open(const struct client *c, uint8_t rc)
{
	if (rc != RC_NOT_AUTHORIZED)
		return 0;
	return (mode == AUTH_REFUSED_OPEN && c->state == ST_NEW) ||
	       (mode == AUTH_ANSWER_REFUSED_OPEN && c->state == ST_AUTH);
}

static void queue_connack(struct client *c, uint8_t rc, int with_method)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_CONNACK);
	a.return_code = rc;
	a.props.present = true;
	if (with_method)
		prop_add_str(&a.props, id_method, METHOD);
	queue_packet(c, &a);
	if (rc != RC_SUCCESS && !refusal_left_open(c, rc))
		c->close_when_sent = 1;
}

static void queue_disconnect(struct client *c, uint8_t rc)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_DISCONNECT);
	a.has_reason_code = true;
	a.reason_code = rc;
	queue_packet(c, &a);
	c->close_when_sent = 1;
}

/* A re-authentication failed: DISCONNECT 0x87 and the close, or as the
 * reauth-refused-* modes break it (the DISCONNECT without the close, or the
 * close without the DISCONNECT). */
static void reauth_fail(struct client *c)
{
	struct mqtt_packet a;
	c->state = ST_OPEN;
	if (mode == REAUTH_REFUSED_SILENT) {
		c->close_when_sent = 1;
		return;
	}
	if (mode != REAUTH_REFUSED_OPEN) {
		queue_disconnect(c, RC_NOT_AUTHORIZED);
		return;
	}
	mqtt_packet_init(&a, MQTT_DISCONNECT);
	a.has_reason_code = true;
	a.reason_code = RC_NOT_AUTHORIZED;
	queue_packet(c, &a);
}

#define TEXT50 "long-text-long-text-long-text-long-text-long-text-"
static const char long_text[] = TEXT50 TEXT50 TEXT50 TEXT50 TEXT50 TEXT50;

/* An AUTH of ours: `data` NULL for none. The broken modes bend it here. */
static void queue_auth(struct client *c, uint8_t rc, const char *data)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, MQTT_AUTH);
	a.has_reason_code = true;
	a.reason_code = rc;
	if (mode == AUTH_RC_SUCCESS && c->state == ST_AUTH)
		a.reason_code = RC_SUCCESS;
	if (mode == AUTH_RC_UNKNOWN && c->state == ST_REAUTH && rc == RC_SUCCESS)
		a.reason_code = 0x05;
	prop_add_str(&a.props, id_method, mode == AUTH_WRONG_METHOD ? "mqttspec-other" : METHOD);
	if (data)
		prop_add_str(&a.props, id_data, data);
	if (mode == AUTH_REASON_LONG)
		prop_add_str(&a.props, 0x1F, long_text);
	if (mode == AUTH_USER_LONG) {
		prop_add_str(&a.props, 0x26, long_text);
		a.props.items[a.props.count - 1].value = a.props.items[a.props.count - 1].str;
	}
	queue_packet(c, &a);
}

/* Whether a client's AUTH is the one expected: reason code, our method, `data`.
 * A short-form AUTH (no reason code) means 0x00. */
static int auth_is(const struct mqtt_packet *p, uint8_t rc, const char *data)
{
	uint8_t got = p->has_reason_code ? p->reason_code : RC_SUCCESS;
	return got == rc && str_is(prop_str(&p->props, id_method), METHOD) &&
	       str_is(prop_str(&p->props, id_data), data);
}

/* The exchange failed: before the CONNACK a refusal, after it a DISCONNECT. */
static void auth_fail(struct client *c)
{
	if (c->state == ST_AUTH)
		queue_connack(c, RC_NOT_AUTHORIZED, 0);
	else
		reauth_fail(c);
}

/* A client's AUTH while an exchange (connect-time or re-authentication) runs. */
static void on_auth_answer(struct client *c, const struct mqtt_packet *p)
{
	if (!auth_is(p, RC_CONTINUE, c->round == 1 ? "answer-1" : "answer-2")) {
		auth_fail(c);
		return;
	}
	if (c->round == 1) {
		c->round = 2;
		queue_auth(c, RC_CONTINUE, "challenge-2");
		return;
	}
	if (c->state == ST_AUTH)
		queue_connack(c, RC_SUCCESS, mode != CONNACK_NO_METHOD);
	else
		queue_auth(c, RC_SUCCESS, NULL);
	c->state = ST_OPEN;
}

/* A client's AUTH after the CONNACK with no exchange running. */
static void on_auth_open(struct client *c, const struct mqtt_packet *p)
{
	uint8_t rc = p->has_reason_code ? p->reason_code : RC_SUCCESS;
	if (!c->has_method || rc != RC_REAUTH) {
		queue_disconnect(c, RC_PROTOCOL_ERROR);
		return;
	}
	if (mode == REAUTH_NO_ANSWER)
		return;
	if (!auth_is(p, RC_REAUTH, "hello")) {
		reauth_fail(c);
		return;
	}
	c->state = ST_REAUTH;
	c->round = 1;
	queue_auth(c, RC_CONTINUE, "challenge-1");
}

static void on_connect(struct client *c, const struct mqtt_packet *p)
{
	const struct mqtt_str *method = prop_str(&p->props, id_method);
	if (p->protocol_level != MQTT_V5 || (!method && prop_str(&p->props, id_data))) {
		c->close_when_sent = 1; /* another version, or a protocol error */
		return;
	}
	if (!method) {
		c->state = ST_OPEN;
		queue_connack(c, RC_SUCCESS, 0);
		return;
	}
	if (!str_is(method, METHOD)) {
		queue_connack(c, RC_BAD_METHOD, 0);
		return;
	}
	if (!str_is(prop_str(&p->props, id_data), "hello")) {
		queue_connack(c, RC_NOT_AUTHORIZED, 0);
		return;
	}
	c->has_method = 1;
	c->state = ST_AUTH;
	c->round = 1;
	queue_auth(c, RC_CONTINUE, "challenge-1");
}

static void queue_ack(struct client *c, enum mqtt_type t, uint16_t id)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, t);
	a.has_packet_id = true;
	a.packet_id = id;
	queue_packet(c, &a);
}

/* SUBACK or UNSUBACK: a code per filter (SUBACK: the Maximum QoS asked for). */
static void queue_list_ack(struct client *c, const struct mqtt_packet *p)
{
	struct mqtt_packet a;
	mqtt_packet_init(&a, p->type == MQTT_SUBSCRIBE ? MQTT_SUBACK : MQTT_UNSUBACK);
	a.has_packet_id = true;
	a.packet_id = p->packet_id;
	a.props.present = true;
	for (size_t i = 0; i < p->entry_count; i++) {
		uint8_t q = p->entries[i].qos & 3;
		/* QoS 3 is no grant: refuse that filter rather than send a reserved code. */
		a.codes[a.code_count++] = p->type == MQTT_UNSUBSCRIBE ? 0x00 : q == 3 ? 0x80 : q;
	}
	queue_packet(c, &a);
}

/* What a plain broker answers after the CONNACK (without routing anything). */
static void answer(struct client *c, const struct mqtt_packet *p)
{
	struct mqtt_packet a;
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	switch (p->type) {
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		queue_list_ack(c, p);
		return;
	case MQTT_PUBLISH:
		if (qos == 1 || qos == 2)
			queue_ack(c, qos == 1 ? MQTT_PUBACK : MQTT_PUBREC, p->packet_id);
		return;
	case MQTT_PUBREL:
		queue_ack(c, MQTT_PUBCOMP, p->packet_id);
		return;
	case MQTT_PINGREQ:
		mqtt_packet_init(&a, MQTT_PINGRESP);
		queue_packet(c, &a);
		return;
	case MQTT_CONNECT: /* a second CONNECT is a protocol error */
		queue_disconnect(c, RC_PROTOCOL_ERROR);
		return;
	case MQTT_DISCONNECT:
		c->close_when_sent = 1;
		return;
	case MQTT_RESERVED15: /* AUTH */
		if (c->state == ST_REAUTH)
			on_auth_answer(c, p);
		else
			on_auth_open(c, p);
		return;
	default:
		return;
	}
}

static void on_packet(struct client *c, const uint8_t *raw, size_t n)
{
	struct mqtt_packet p;
	if (mqtt_decode(MQTT_V5, raw, n, &p, NULL) < 0) {
		c->close_when_sent = 1;
		return;
	}
	if (p.type == MQTT_AUTH && (p.flags & 0x0f) && mode != AUTH_FLAGS_IGNORED) {
		if (c->state == ST_NEW || c->state == ST_AUTH)
			c->close_when_sent = 1;
		else
			queue_disconnect(c, RC_MALFORMED);
		return;
	}
	switch (c->state) {
	case ST_NEW:
		if (p.type == MQTT_CONNECT)
			on_connect(c, &p);
		else
			c->close_when_sent = 1;
		return;
	case ST_AUTH:
		/* Before the CONNACK a client that named a method sends AUTH or DISCONNECT only. */
		if (p.type == MQTT_AUTH)
			on_auth_answer(c, &p);
		else if (p.type == MQTT_DISCONNECT)
			c->close_when_sent = 1;
		else
			queue_connack(c, RC_PROTOCOL_ERROR, 0);
		return;
	case ST_OPEN:
	case ST_REAUTH:
		answer(c, &p);
		return;
	}
}

/* Frame what has arrived and answer it. */
static void take_input(struct client *c)
{
	size_t off = 0;
	while (off < c->inn && !c->close_when_sent) {
		struct mqtt_frame f;
		int r = mqtt_frame_next(MQTT_V5, c->in + off, c->inn - off, &f, NULL);
		if (r < 0 || (r == 0 && f.header_len && f.total_len > IN_CAP)) {
			c->close_when_sent = 1; /* what was answered before still goes */
			break;
		}
		if (r == 0)
			break;
		on_packet(c, c->in + off, f.total_len);
		off += f.total_len;
	}
	if (c->close_when_sent)
		off = c->inn; /* nothing more is read as MQTT */
	memmove(c->in, c->in + off, c->inn - off);
	c->inn -= off;
}

/* Read what is there and answer it; -1 if the client is gone. */
static int read_in(struct client *c)
{
	ssize_t r = recv(c->fd, c->in + c->inn, IN_CAP - c->inn, 0);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		return -1;
	if (r < 0)
		return 0;
	if (c->linger_end > 0) {
		c->inn = 0; /* closing: only draining */
		return 0;
	}
	c->inn += (size_t)r;
	take_input(c);
	return 0;
}

/* Write what is queued. -1 if the client is gone or done. */
static int flush_out(struct client *c, double now)
{
	if (c->overflow)
		return -1;
	if (c->linger_end > 0)
		return now >= c->linger_end ? -1 : 0;
	while (c->outoff < c->outn) {
		ssize_t w = send(c->fd, c->out + c->outoff, c->outn - c->outoff, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		c->outoff += (size_t)w;
	}
	if (c->close_when_sent) {
		shutdown(c->fd, SHUT_WR);
		c->linger_end = now + LINGER_MS;
	}
	return 0;
}

static void drop(size_t i)
{
	close(conns[i]->fd);
	free(conns[i]);
	conns[i] = conns[--nconns];
}

static void accept_all(int ls)
{
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			return;
		struct client *c = nconns < MAX_CONNS ? calloc(1, sizeof *c) : NULL;
		if (!c) {
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		c->fd = fd;
		conns[nconns++] = c;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: auth-broker --mode MODE --port-file FILE [--port N]\nmodes:");
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		fprintf(stderr, " %s", mode_names[i]);
	fputc('\n', stderr);
	return 2;
}

/* A kill is the normal way to stop it: not a failure. */
static void on_signal(int sig)
{
	(void)sig;
	_exit(0);
}

/* The options into mode, *port_file and *port; 0, or usage()'s 2. */
static int parse_args(int argc, char **argv, const char **port_file, int *port)
{
	const char *mode_name = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		char *end;
		if (strcmp(argv[i], "--mode") == 0) {
			mode_name = argv[i + 1];
		} else if (strcmp(argv[i], "--port-file") == 0) {
			*port_file = argv[i + 1];
		} else if (strcmp(argv[i], "--port") == 0) {
			long n = strtol(argv[i + 1], &end, 10);
			if (*argv[i + 1] == '\0' || *end != '\0' || n < 0 || n > 65535)
				return usage();
			*port = (int)n;
		} else {
			return usage();
		}
	}
	if (!mode_name || !*port_file || argc % 2 == 0)
		return usage();
	for (size_t m = 0; m < sizeof mode_names / sizeof mode_names[0]; m++)
		if (strcmp(mode_name, mode_names[m]) == 0) {
			mode = (enum mode)m;
			return 0;
		}
	return usage();
}

/* One pass of the loop: poll every client, read, answer, write. */
static int serve_once(int ls, struct pollfd *pfd)
{
	pfd[0].fd = ls;
	pfd[0].events = POLLIN;
	for (size_t i = 0; i < nconns; i++) {
		struct client *c = conns[i];
		pfd[i + 1].fd = c->fd;
		pfd[i + 1].events = POLLIN;
		if (c->outoff < c->outn && c->linger_end == 0)
			pfd[i + 1].events |= POLLOUT;
		pfd[i + 1].revents = 0;
	}
	size_t np = nconns + 1;
	/* A bounded wait: lingering connections close on time. */
	if (poll(pfd, np, 500) < 0 && errno != EINTR)
		return -1;
	double now = clock_ms();
	/* Walk backwards: drop() moves the last client into the freed slot. */
	for (size_t i = np - 1; i >= 1; i--) {
		struct client *c = conns[i - 1];
		int gone = 0;
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			gone = read_in(c) < 0;
		if (!gone)
			gone = flush_out(c, now) < 0;
		if (gone)
			drop(i - 1);
	}
	if (pfd[0].revents & POLLIN)
		accept_all(ls);
	return 0;
}

int main(int argc, char **argv)
{
	const char *port_file = NULL;
	int port = 0;
	if (parse_args(argc, argv, &port_file, &port) != 0)
		return 2;
	id_method = mqtt_prop_find("authentication_method")->id;
	id_data = mqtt_prop_find("authentication_data")->id;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	int ls = fake_listen("auth-broker", port, port_file);
	if (ls < 0)
		return 1;
	static struct pollfd pfd[MAX_CONNS + 1];
	for (;;)
		if (serve_once(ls, pfd) < 0)
			return 1;
}
