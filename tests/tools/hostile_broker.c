/*
 * hostile_broker.c - a fake MQTT broker that misbehaves on purpose, to prove
 * mqttspec survives brokers that are broken by definition (scripts/test-hostile.sh).
 *
 *   hostile-broker --mode MODE --port-file FILE [--port N]
 *
 * One thread, one poll() loop, on 127.0.0.1. The pre-flight connection
 * (client id ending in "pre") is answered correctly: CONNACK 0, minimal
 * answers, DISCONNECT closes. Every other connection gets MODE:
 *   garbage           CONNACK, then random bytes (a burst, then more each second)
 *   huge-length       CONNACK, then a PUBLISH header claiming remaining length
 *                     268435455 and a few bytes of it, then silence
 *   close-mid-packet  CONNACK, then half a PUBLISH, then close
 *   drip              CONNACK at once, then every later answer one byte per 200 ms
 *   no-connack        never answers CONNECT
 *   never-reads       CONNACK, then never reads again (its receive buffer fills)
 *   flood             CONNACK, then QoS 0 PUBLISH packets as fast as the socket takes
 *                     them (every 10th with DUP set: a flood of rule violations too)
 *   wrong-type        CONNECT answered with a SUBACK, every other packet with a PINGRESP
 *   preflight-pingresp   the pre-flight CONNECT answered with a PINGRESP, then a
 *                        CONNACK; every other connection as a plain broker
 *   preflight-bad-connack  the pre-flight CONNACK has a reserved ack-flags bit set;
 *                        every other connection as a plain broker
 *   probe-bad-suback     the capability probe's first client ("...pr1") gets
 *                        SUBACK return codes 0x03 (reserved); else a plain broker
 * (The two preflight modes and the probe mode show that a rule broken in the pre-flight answer is
 * a FAIL of the built-in case, not a set-up error, and the other cases run.)
 * "Minimal answers" (pre-flight, drip): SUBACK granting what was asked,
 * PUBACK / PUBREC / PUBCOMP, UNSUBACK, PINGRESP; nothing is routed.
 *
 * The listening port is written to FILE (atomically) once the socket listens.
 * It runs until killed.
 */
#define _GNU_SOURCE /* POLLRDHUP: see a closed peer without reading */
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
#include "util/clock.h"

enum mode { GARBAGE, HUGE_LENGTH, CLOSE_MID_PACKET, DRIP, NO_CONNACK, NEVER_READS, FLOOD, WRONG_TYPE, PRE_PINGRESP,
	    PRE_BAD_CONNACK, PROBE_BAD_SUBACK };

static const char *const mode_names[] = {"garbage", "huge-length", "close-mid-packet", "drip",
					 "no-connack", "never-reads", "flood", "wrong-type", "preflight-pingresp",
					 "preflight-bad-connack", "probe-bad-suback"};

#define MAX_CONNS 1000
#define IN_CAP 65536
#define OUT_CAP (1u << 20)

struct client {
	int fd;
	int connected;     /* CONNECT seen */
	int preflight;     /* ...with a client id ending in "pre" */
	int probe1;        /* ...with a client id ending in "pr1" (the probe's first client) */
	int deaf;          /* never-reads: no more reading */
	int close_when_sent;
	uint8_t in[IN_CAP];
	size_t inn;
	uint8_t *out;
	size_t outn, outoff;
	int dripping;      /* drip: the CONNACK went; later bytes go one at a time */
	double next_drip;  /* ...and when the next one may go */
	double next_noise; /* garbage: when the next burst goes */
	uint32_t rng;
};

static struct client *conns[MAX_CONNS];
static size_t nconns;
static enum mode mode;

/* xorshift32: reproducible noise, no libc state. */
static uint32_t next_rand(struct client *c)
{
	uint32_t x = c->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return c->rng = x;
}

static void queue(struct client *c, const uint8_t *b, size_t n)
{
	if (c->outoff == c->outn)
		c->outoff = c->outn = 0;
	if (c->outn + n > OUT_CAP)
		return; /* a client that never reads: drop what does not fit */
	memcpy(c->out + c->outn, b, n);
	c->outn += n;
}

static void queue_packet(struct client *c, const struct mqtt_packet *p)
{
	uint8_t buf[128];
	int n = mqtt_encode(MQTT_V311, p, buf, sizeof buf);
	if (n > 0)
		queue(c, buf, (size_t)n);
}

static void queue_ack(struct client *c, enum mqtt_type t, uint16_t id)
{
	struct mqtt_packet p;
	mqtt_packet_init(&p, t);
	p.flags = (uint8_t)(t == MQTT_PUBREL ? 2 : 0);
	p.has_packet_id = true;
	p.packet_id = id;
	queue_packet(c, &p);
}

static void queue_connack(struct client *c)
{
	static const uint8_t connack[4] = {0x20, 0x02, 0x00, 0x00};
	queue(c, connack, sizeof connack);
}

/* What a plain broker answers (without routing anything). */
static void answer(struct client *c, const struct mqtt_packet *p)
{
	struct mqtt_packet a;
	switch (p->type) {
	case MQTT_SUBSCRIBE:
		mqtt_packet_init(&a, MQTT_SUBACK);
		a.has_packet_id = true;
		a.packet_id = p->packet_id;
		for (size_t i = 0; i < p->entry_count; i++)
			a.codes[a.code_count++] = p->entries[i].qos <= 2 ? p->entries[i].qos : 0x80;
		queue_packet(c, &a);
		return;
	case MQTT_UNSUBSCRIBE:
		queue_ack(c, MQTT_UNSUBACK, p->packet_id);
		return;
	case MQTT_PUBLISH: {
		int qos = (p->flags >> 1) & 3;
		if (qos == 1 || qos == 2)
			queue_ack(c, qos == 1 ? MQTT_PUBACK : MQTT_PUBREC, p->packet_id);
		return;
	}
	case MQTT_PUBREL:
		queue_ack(c, MQTT_PUBCOMP, p->packet_id);
		return;
	case MQTT_PINGREQ:
		mqtt_packet_init(&a, MQTT_PINGRESP);
		queue_packet(c, &a);
		return;
	case MQTT_DISCONNECT:
		c->close_when_sent = 1;
		return;
	default:
		return;
	}
}

/* The first packet: CONNECT. Decide who this is and start misbehaving. */
static void on_connect(struct client *c, const struct mqtt_packet *p, double now)
{
	const struct mqtt_slice id = p->client_id.s;
	c->connected = 1;
	c->preflight = id.n >= 3 && memcmp(id.p + id.n - 3, "pre", 3) == 0;
	c->probe1 = id.n >= 3 && memcmp(id.p + id.n - 3, "pr1", 3) == 0;
	if (c->preflight) {
		static const uint8_t pingresp[2] = {0xd0, 0x00}, bad[4] = {0x20, 0x02, 0x02, 0x00};
		if (mode == PRE_PINGRESP)
			queue(c, pingresp, sizeof pingresp);
		if (mode == PRE_BAD_CONNACK)
			queue(c, bad, sizeof bad);
		else
			queue_connack(c);
		return;
	}
	switch (mode) {
	case PRE_PINGRESP:
	case PRE_BAD_CONNACK:
	case PROBE_BAD_SUBACK:
		queue_connack(c);
		return;
	case NO_CONNACK:
		return;
	case WRONG_TYPE: {
		static const uint8_t suback[5] = {0x90, 0x03, 0x00, 0x01, 0x00};
		queue(c, suback, sizeof suback);
		return;
	}
	case GARBAGE:
		queue_connack(c);
		c->next_noise = now; /* the first burst goes with the CONNACK */
		return;
	case HUGE_LENGTH: {
		/* PUBLISH, remaining length 268435455 (ff ff ff 7f), then the start of a topic. */
		static const uint8_t huge[] = {0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x03, 'a', '/', 'b'};
		queue_connack(c);
		queue(c, huge, sizeof huge);
		return;
	}
	case CLOSE_MID_PACKET: {
		/* The first 6 of 15 bytes of PUBLISH "a/b" "hello, world" QoS 0. */
		static const uint8_t half[] = {0x30, 0x0d, 0x00, 0x03, 'a', '/'};
		queue_connack(c);
		queue(c, half, sizeof half);
		c->close_when_sent = 1;
		return;
	}
	case DRIP:
		/* The CONNACK goes whole (flush_out then starts dripping). */
		queue_connack(c);
		return;
	case NEVER_READS:
		queue_connack(c);
		c->deaf = 1;
		return;
	case FLOOD:
		queue_connack(c);
		return;
	}
}

static void on_packet(struct client *c, const uint8_t *raw, size_t n, double now)
{
	struct mqtt_packet p;
	if (mqtt_decode(MQTT_V311, raw, n, &p, NULL) < 0) {
		c->close_when_sent = 1;
		return;
	}
	if (!c->connected) {
		if (p.type == MQTT_CONNECT)
			on_connect(c, &p, now);
		else
			c->close_when_sent = 1;
		return;
	}
	if (mode == PROBE_BAD_SUBACK && c->probe1 && p.type == MQTT_SUBSCRIBE) {
		struct mqtt_packet a;
		mqtt_packet_init(&a, MQTT_SUBACK);
		a.has_packet_id = true;
		a.packet_id = p.packet_id;
		for (size_t i = 0; i < p.entry_count; i++)
			a.codes[a.code_count++] = 0x03;
		queue_packet(c, &a);
		return;
	}
	if (c->preflight || mode == DRIP || mode == PRE_PINGRESP || mode == PRE_BAD_CONNACK || mode == PROBE_BAD_SUBACK) {
		answer(c, &p);
		return;
	}
	if (mode == WRONG_TYPE && p.type != MQTT_DISCONNECT) {
		static const uint8_t pingresp[2] = {0xd0, 0x00};
		queue(c, pingresp, sizeof pingresp);
	}
	/* Other modes ignore what comes after CONNECT. */
}

/* Frame what has arrived; returns -1 if the client must go. */
static int take_input(struct client *c, double now)
{
	size_t off = 0;
	while (off < c->inn && !c->deaf) {
		struct mqtt_frame f;
		int r = mqtt_frame_next(MQTT_V311, c->in + off, c->inn - off, &f, NULL);
		if (r < 0 || (r == 0 && f.header_len && f.total_len > IN_CAP))
			return -1;
		if (r == 0)
			break;
		on_packet(c, c->in + off, f.total_len, now);
		off += f.total_len;
	}
	memmove(c->in, c->in + off, c->inn - off);
	c->inn -= off;
	return 0;
}

/* Fill the out queue with what the mode sends unasked. */
static void produce(struct client *c, double now)
{
	if (!c->connected || c->preflight)
		return;
	if (mode == FLOOD && c->outn - c->outoff < 4096) {
		/* PUBLISH QoS 0, topic "flood", 32 bytes of payload: 41 bytes each.
		 * Every 10th has DUP set (MQTT-3.3.1-2): a flood of violations too. */
		uint8_t p[41] = {0x30, 39, 0x00, 0x05, 'f', 'l', 'o', 'o', 'd'};
		for (int i = 0; i < 100; i++) {
			p[0] = i % 10 == 9 ? 0x38 : 0x30;
			memset(p + 9, 'a' + i % 26, 32);
			queue(c, p, sizeof p);
		}
	}
	if (mode == GARBAGE && now >= c->next_noise) {
		uint8_t noise[512];
		for (size_t i = 0; i < sizeof noise; i++)
			noise[i] = (uint8_t)next_rand(c);
		queue(c, noise, sizeof noise);
		c->next_noise = now + 1000;
	}
}

/* Write what may go now. -1 if the client is gone or done. */
static int flush_out(struct client *c, double now)
{
	while (c->outoff < c->outn) {
		if (c->dripping && now < c->next_drip)
			return 0;
		size_t n = c->dripping ? 1 : c->outn - c->outoff;
		ssize_t w = send(c->fd, c->out + c->outoff, n, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		c->outoff += (size_t)w;
		if (c->dripping)
			c->next_drip = now + 200;
	}
	if (mode == DRIP && c->connected && !c->preflight)
		c->dripping = 1;
	return c->close_when_sent ? -1 : 0;
}

static void drop(size_t i)
{
	close(conns[i]->fd);
	free(conns[i]->out);
	free(conns[i]);
	conns[i] = conns[--nconns];
}

static void accept_all(int ls, double now)
{
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			return;
		if (nconns == MAX_CONNS) {
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (mode == NEVER_READS) {
			/* A small receive buffer fills sooner. */
			int small = 4096;
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
		}
		struct client *c = calloc(1, sizeof *c);
		c->fd = fd;
		c->out = malloc(OUT_CAP);
		c->rng = 0x9e3779b9u ^ (uint32_t)fd ^ (uint32_t)now;
		if (c->rng == 0)
			c->rng = 1;
		conns[nconns++] = c;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: hostile-broker --mode MODE --port-file FILE [--port N]\nmodes:");
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		fprintf(stderr, " %s", mode_names[i]);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *mode_name = NULL, *port_file = NULL;
	int port = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--mode") == 0)
			mode_name = argv[i + 1];
		else if (strcmp(argv[i], "--port-file") == 0)
			port_file = argv[i + 1];
		else if (strcmp(argv[i], "--port") == 0)
			port = atoi(argv[i + 1]);
		else
			return usage();
	}
	if (!mode_name || !port_file || argc % 2 == 0)
		return usage();
	size_t m;
	for (m = 0; m < sizeof mode_names / sizeof mode_names[0]; m++)
		if (strcmp(mode_name, mode_names[m]) == 0)
			break;
	if (m == sizeof mode_names / sizeof mode_names[0])
		return usage();
	mode = (enum mode)m;
	signal(SIGPIPE, SIG_IGN);
	int ls = fake_listen("hostile-broker", port, port_file);
	if (ls < 0)
		return 1;
	struct pollfd pfd[MAX_CONNS + 1];
	for (;;) {
		double now = clock_ms();
		int timeout = 1000;
		pfd[0].fd = ls;
		pfd[0].events = POLLIN;
		for (size_t i = 0; i < nconns; i++) {
			struct client *c = conns[i];
			produce(c, now);
			pfd[i + 1].fd = c->fd;
			/* never-reads only watches for the peer going away. */
			pfd[i + 1].events = (short)(c->deaf ? POLLRDHUP : POLLIN);
			if (c->outoff < c->outn) {
				int wait = c->dripping && c->next_drip > now ? (int)(c->next_drip - now) + 1 : 0;
				if (wait == 0)
					pfd[i + 1].events |= POLLOUT;
				else if (wait < timeout)
					timeout = wait;
			}
			if (mode == GARBAGE && c->connected && !c->preflight && c->next_noise - now < timeout)
				timeout = c->next_noise > now ? (int)(c->next_noise - now) + 1 : 0;
			pfd[i + 1].revents = 0;
		}
		size_t np = nconns + 1;
		if (poll(pfd, np, timeout) < 0 && errno != EINTR)
			return 1;
		now = clock_ms();
		/* Walk backwards: drop() moves the last client into the freed slot. */
		for (size_t i = np - 1; i >= 1; i--) {
			struct client *c = conns[i - 1];
			short rev = pfd[i].revents;
			int gone = 0;
			if (c->deaf) {
				gone = (rev & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
			} else if (rev & (POLLIN | POLLHUP | POLLERR)) {
				ssize_t r = recv(c->fd, c->in + c->inn, IN_CAP - c->inn, 0);
				if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
					gone = 1;
				else if (r > 0)
					c->inn += (size_t)r;
				if (!gone && take_input(c, now) < 0)
					gone = 1;
			}
			if (!gone)
				gone = flush_out(c, now) < 0;
			if (gone)
				drop(i - 1);
		}
		if (pfd[0].revents & POLLIN)
			accept_all(ls, now);
	}
}
