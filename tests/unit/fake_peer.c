/* fake_peer.c - a scripted broker on loopback for the engine tests. See fake_peer.h. */
#include "tests/unit/fake_peer.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/alloc.h"

/* A packet the script waits for that does not come in this long is a deviation. */
#define FAKE_RECV_MS 3000

struct fp_conn {
	struct fake_peer *peer;
	int fd;
	const struct fake_step *script;
	pthread_t th;
	uint8_t *buf;
	size_t bufn, bufcap;
	struct fake_rx *rx;
	size_t nrx, caprx;
};

struct fake_peer {
	int lfd;
	int stop_pipe[2];  /* written once on stop: every poll of the peer wakes on it */
	char url[64];
	const struct fake_step *const *scripts;
	size_t nscripts;
	pthread_t accept_th;
	pthread_mutex_t mu;
	struct fp_conn **conns;
	size_t nconns, capconns;
	char error[300];
};

static void fail_script(struct fp_conn *c, const char *msg)
{
	struct fake_peer *p = c->peer;
	pthread_mutex_lock(&p->mu);
	size_t k = 0;
	while (k < p->nconns && p->conns[k] != c)
		k++;
	if (!p->error[0])
		snprintf(p->error, sizeof p->error, "connection %zu: %s", k, msg);
	pthread_mutex_unlock(&p->mu);
}

static void record(struct fp_conn *c, const uint8_t *b, size_t hdr, size_t total)
{
	struct fake_rx r;
	memset(&r, 0, sizeof r);
	r.type = b[0] >> 4;
	r.flags = b[0] & 0x0F;
	size_t at = 0;
	if (r.type == 3 && (r.flags & 0x06) && hdr + 2 <= total)
		at = hdr + 2 + (size_t)(b[hdr] << 8 | b[hdr + 1]);
	else if (r.type >= 4 && r.type <= 11)
		at = hdr;
	if (at && at + 2 <= total) {
		r.has_packet_id = 1;
		r.packet_id = (uint16_t)(b[at] << 8 | b[at + 1]);
	}
	r.bytes = alloc_bytes(total);
	memcpy(r.bytes, b, total);
	r.n = total;
	pthread_mutex_lock(&c->peer->mu);
	if (c->nrx == c->caprx) {
		c->caprx = c->caprx ? c->caprx * 2 : 8;
		c->rx = alloc_resize(c->rx, c->caprx * sizeof *c->rx);
	}
	c->rx[c->nrx++] = r;
	pthread_mutex_unlock(&c->peer->mu);
}

/* One whole packet out of the buffer, if there is one: its length, else 0. */
static size_t frame(struct fp_conn *c)
{
	size_t len = 0, i = 1;
	for (int shift = 0;; shift += 7) {
		if (i >= c->bufn)
			return 0;
		len |= (size_t)(c->buf[i] & 0x7F) << shift;
		if (!(c->buf[i] & 0x80))
			break;
		if (++i > 4)
			return 0; /* not a length: the engine never sends one, so this never completes */
	}
	size_t hdr = i + 1;
	if (c->bufn < hdr + len)
		return 0;
	record(c, c->buf, hdr, hdr + len);
	return hdr + len;
}

/* Wait for fd (or only the stop pipe, fd -1) up to ms. 1 fd readable, 0 timed out, -1 stopped. */
static int wait_for(struct fp_conn *c, int fd, long ms)
{
	struct pollfd pfd[2] = {{c->peer->stop_pipe[0], POLLIN, 0}, {fd, POLLIN, 0}};
	int r;
	do
		r = poll(pfd, fd < 0 ? 1 : 2, (int)ms);
	while (r < 0 && errno == EINTR);
	if (r < 0 || pfd[0].revents)
		return -1;
	return r > 0;
}

/* Read one packet: 1 (recorded), 0 the client closed, -1 stopped, -2 timed out. */
static int read_packet(struct fp_conn *c, long ms)
{
	for (;;) {
		size_t used = frame(c);
		if (used) {
			memmove(c->buf, c->buf + used, c->bufn - used);
			c->bufn -= used;
			return 1;
		}
		int w = wait_for(c, c->fd, ms);
		if (w <= 0)
			return w < 0 ? -1 : -2;
		if (c->bufcap - c->bufn < 4096) {
			c->bufcap = c->bufn + 65536;
			c->buf = alloc_resize(c->buf, c->bufcap);
		}
		ssize_t n = recv(c->fd, c->buf + c->bufn, c->bufcap - c->bufn, 0);
		if (n <= 0)
			return 0;
		c->bufn += (size_t)n;
	}
}

static int send_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static void close_conn(struct fp_conn *c)
{
	pthread_mutex_lock(&c->peer->mu);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	pthread_mutex_unlock(&c->peer->mu);
}

/* One step of the script: 0 go on, 1 the script is over for this connection. */
static int run_step(struct fp_conn *c, const struct fake_step *s)
{
	switch (s->op) {
	case FAKE_RECV: {
		int r = read_packet(c, FAKE_RECV_MS);
		char m[120] = "";
		if (r == 1 && c->rx[c->nrx - 1].type != s->type)
			snprintf(m, sizeof m, "got packet type %d, the script expected %d", c->rx[c->nrx - 1].type, s->type);
		else if (r == 0 || r == -2)
			snprintf(m, sizeof m, "%s waiting for packet type %d", r == 0 ? "closed by the client" : "timed out",
				 s->type);
		if (m[0])
			fail_script(c, m);
		return r != 1;
	}
	case FAKE_SEND:
	case FAKE_SEND_ID: {
		uint8_t *b = alloc_bytes(s->n);
		memcpy(b, s->bytes, s->n);
		if (s->op == FAKE_SEND_ID && s->n >= 4 && c->nrx) {
			b[2] = (uint8_t)(c->rx[c->nrx - 1].packet_id >> 8);
			b[3] = (uint8_t)c->rx[c->nrx - 1].packet_id;
		}
		int r = send_all(c->fd, b, s->n);
		free(b);
		return r < 0;
	}
	case FAKE_FLOOD: {
		uint8_t *b = alloc_bytes(s->n * s->count);
		for (size_t i = 0; i < s->count; i++)
			memcpy(b + i * s->n, s->bytes, s->n);
		/* The engine may drop the connection part way: that is what a flood tests. */
		send_all(c->fd, b, s->n * s->count);
		free(b);
		return 0;
	}
	case FAKE_WAIT:
		return wait_for(c, -1, s->ms) < 0;
	case FAKE_CLOSE:
		close_conn(c);
		return 1;
	case FAKE_END:
		while (read_packet(c, 60000) == 1)
			;
		return 1;
	}
	return 1;
}

static void *conn_main(void *arg)
{
	struct fp_conn *c = arg;
	static const struct fake_step silent[] = {FP_END};
	const struct fake_step *s = c->script ? c->script : silent;
	for (;; s++)
		if (run_step(c, s) || s->op == FAKE_END)
			break;
	close_conn(c);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct fake_peer *p = arg;
	for (;;) {
		struct pollfd pfd[2] = {{p->stop_pipe[0], POLLIN, 0}, {p->lfd, POLLIN, 0}};
		if (poll(pfd, 2, -1) < 0 && errno == EINTR)
			continue;
		if (pfd[0].revents)
			return NULL;
		int fd = accept(p->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		struct fp_conn *c = alloc_zeroed(1, sizeof *c);
		c->peer = p;
		c->fd = fd;
		pthread_mutex_lock(&p->mu);
		c->script = p->nconns < p->nscripts ? p->scripts[p->nconns] : NULL;
		if (p->nconns == p->capconns) {
			p->capconns = p->capconns ? p->capconns * 2 : 4;
			p->conns = alloc_resize(p->conns, p->capconns * sizeof *p->conns);
		}
		p->conns[p->nconns++] = c;
		pthread_mutex_unlock(&p->mu);
		if (pthread_create(&c->th, NULL, conn_main, c) != 0)
			abort();
	}
}

struct fake_peer *fake_peer_start(const struct fake_step *const *scripts, size_t nscripts)
{
	struct fake_peer *p = alloc_zeroed(1, sizeof *p);
	p->scripts = scripts;
	p->nscripts = nscripts;
	pthread_mutex_init(&p->mu, NULL);
	ck_assert_int_eq(pipe(p->stop_pipe), 0);
	p->lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(p->lfd, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	ck_assert_int_eq(bind(p->lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(p->lfd, 16), 0);
	ck_assert_int_eq(getsockname(p->lfd, (struct sockaddr *)&a, &al), 0);
	snprintf(p->url, sizeof p->url, "mqtt://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
	ck_assert_int_eq(pthread_create(&p->accept_th, NULL, accept_main, p), 0);
	return p;
}

const char *fake_peer_url(const struct fake_peer *p)
{
	return p->url;
}

void fake_peer_stop(struct fake_peer *p)
{
	if (p->stop_pipe[1] < 0)
		return;
	ck_assert_int_eq(write(p->stop_pipe[1], "x", 1), 1);
	pthread_join(p->accept_th, NULL);
	/* A flood blocked in send() does not poll: shutting the socket frees it. */
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < p->nconns; i++)
		if (p->conns[i]->fd >= 0)
			shutdown(p->conns[i]->fd, SHUT_RDWR);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->nconns; i++)
		pthread_join(p->conns[i]->th, NULL);
	close(p->lfd);
	close(p->stop_pipe[0]);
	close(p->stop_pipe[1]);
	p->stop_pipe[1] = -1;
}

void fake_peer_free(struct fake_peer *p)
{
	if (!p)
		return;
	fake_peer_stop(p);
	for (size_t i = 0; i < p->nconns; i++) {
		struct fp_conn *c = p->conns[i];
		for (size_t k = 0; k < c->nrx; k++)
			free(c->rx[k].bytes);
		free(c->rx);
		free(c->buf);
		free(c);
	}
	free(p->conns);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

size_t fake_peer_nconns(const struct fake_peer *p)
{
	return p->nconns;
}

size_t fake_peer_nreceived(const struct fake_peer *p, size_t conn)
{
	return conn < p->nconns ? p->conns[conn]->nrx : 0;
}

const struct fake_rx *fake_peer_received(const struct fake_peer *p, size_t conn, size_t i)
{
	ck_assert_uint_lt(conn, p->nconns);
	ck_assert_uint_lt(i, p->conns[conn]->nrx);
	return &p->conns[conn]->rx[i];
}

const char *fake_peer_error(const struct fake_peer *p)
{
	return p->error[0] ? p->error : NULL;
}
