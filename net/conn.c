/* conn.c - URLs, TCP set-up, and the layering of a connection (the byte
 * stream and the out queue are conn_io.c's). See conn.h. */
#include "net/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/conn_int.h"
#include "net/ws_frame.h"

static const struct {
	const char *scheme;
	int tls, ws;
	const char *port;
} schemes[] = {
	{"mqtt", 0, 0, "1883"}, {"mqtts", 1, 0, "8883"}, {"ws", 0, 1, "80"}, {"wss", 1, 1, "443"},
};

/* The scheme before "://": its row in schemes[], or -1. */
static int scheme_of(const char *url, size_t sl)
{
	for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++)
		if (strlen(schemes[k].scheme) == sl && strncmp(url, schemes[k].scheme, sl) == 0)
			return (int)k;
	return -1;
}

/* Host (a name, an address, [IPv6]) and optional :port from p; *rest is what
 * follows. 0, or -1 with e set. */
static int host_port(struct conn_endpoint *ep, const char *url, const char *p, const char **rest, struct err *e)
{
	const char *hs = p, *he;
	if (*p == '[') {
		he = strchr(p, ']');
		if (!he)
			return err_set(e, "%s: unterminated IPv6 literal", url);
		hs = p + 1;
		p = he + 1;
	} else {
		he = p + strcspn(p, ":/");
		p = he;
	}
	if (he == hs || (size_t)(he - hs) >= sizeof ep->host)
		return err_set(e, "%s: missing or too long host", url);
	memcpy(ep->host, hs, (size_t)(he - hs));
	if (*p == ':') {
		p++;
		size_t n = strspn(p, "0123456789");
		long port = strtol(p, NULL, 10);
		if (n == 0 || n > 5 || port < 1 || port > 65535)
			return err_set(e, "%s: bad port", url);
		snprintf(ep->port, sizeof ep->port, "%ld", port);
		p += n;
	}
	*rest = p;
	return 0;
}

/* What follows host and port: a WebSocket path (default /mqtt), else nothing. */
static int path_of(struct conn_endpoint *ep, const char *url, const char *p, struct err *e)
{
	if (!ep->ws) {
		if (*p && strcmp(p, "/") != 0)
			return err_set(e, "%s: unexpected \"%s\" after the port (a path is only for ws:// and wss://)", url,
				       p);
		return 0;
	}
	if (*p && *p != '/')
		return err_set(e, "%s: unexpected \"%s\" after the port", url, p);
	snprintf(ep->path, sizeof ep->path, "%s", *p ? p : "/mqtt");
	for (const char *q = ep->path; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return err_set(e, "%s: the path has a space or control character", url);
	return 0;
}

/* Every address the host resolves to (at most 4), tried in order on connect. */
static int resolve(struct conn_endpoint *ep, const char *url, struct err *e)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(ep->host, ep->port, &hints, &res);
	if (rc != 0 || !res)
		return err_set(e, "%s: cannot resolve %s: %s", url, ep->host, gai_strerror(rc));
	for (struct addrinfo *a = res; a && ep->naddr < 4; a = a->ai_next) {
		memcpy(&ep->addr[ep->naddr], a->ai_addr, a->ai_addrlen);
		ep->addrlen[ep->naddr++] = a->ai_addrlen;
	}
	freeaddrinfo(res);
	return 0;
}

int conn_endpoint_parse(struct conn_endpoint *ep, const char *url, struct err *e)
{
	memset(ep, 0, sizeof *ep);
	snprintf(ep->url, sizeof ep->url, "%s", url);
	const char *p = strstr(url, "://");
	if (!p)
		return err_set(e, "%s: expected a URL like mqtt://host:port", url);
	int k = scheme_of(url, (size_t)(p - url));
	if (k < 0)
		return err_set(e, "%s: unknown scheme (use mqtt://, mqtts://, ws:// or wss://)", url);
	snprintf(ep->scheme, sizeof ep->scheme, "%s", schemes[k].scheme);
	ep->tls = schemes[k].tls;
	ep->ws = schemes[k].ws;
	snprintf(ep->port, sizeof ep->port, "%s", schemes[k].port);
	const char *rest = "";
	if (host_port(ep, url, p + 3, &rest, e) < 0 || path_of(ep, url, rest, e) < 0)
		return -1;
	return resolve(ep, url, e);
}

void conn_init(struct conn *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

static int start_at(struct conn *c, const struct conn_endpoint *ep, struct conn_ctx *ctx, int ai, struct err *e)
{
	conn_close(c);
	c->violation = CONN_RULE_NONE;
	c->ep = ep;
	c->ctx = ctx;
	c->addr_index = ai;
	c->fd = socket(ep->addr[ai].ss_family, SOCK_STREAM, 0);
	if (c->fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	int fl = fcntl(c->fd, F_GETFL);
	int one = 1;
	if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(c->fd, F_SETFD, FD_CLOEXEC) < 0) {
		conn_close(c);
		return err_set(e, "fcntl: %s", strerror(errno));
	}
	/* Packets go out as the case writes them: no Nagle delay on small packets. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (const struct sockaddr *)&ep->addr[ai], ep->addrlen[ai]) < 0 && errno != EINPROGRESS) {
		int er = errno;
		conn_close(c);
		if (ai + 1 < ep->naddr)
			return start_at(c, ep, ctx, ai + 1, e);
		return err_set(e, "connect to %s: %s", ep->url, strerror(er));
	}
	c->state = CONN_TCP;
	return 0;
}

int conn_start(struct conn *c, const struct conn_endpoint *ep, struct conn_ctx *ctx, struct err *e)
{
	return start_at(c, ep, ctx, 0, e);
}

/* The next layer after `from` is done; 1 if the connection is now open. */
static int next_layer(struct conn *c, enum conn_state from, struct err *e)
{
	if (from == CONN_TCP && c->ep->tls) {
		c->state = CONN_TLS;
		return conn_tls_begin(c, e) < 0 ? -1 : conn_progress(c, e);
	}
	if (from != CONN_UPGRADE && c->ep->ws) {
		c->state = CONN_UPGRADE;
		return conn_ws_begin(c, e) < 0 ? -1 : conn_progress(c, e);
	}
	c->state = CONN_OPEN;
	return 1;
}

int conn_progress(struct conn *c, struct err *e)
{
	int r;
	switch (c->state) {
	case CONN_TCP: {
		struct pollfd p = {c->fd, POLLOUT, 0};
		if (poll(&p, 1, 0) <= 0)
			return 0;
		int so = 0;
		socklen_t len = sizeof so;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so, &len) < 0)
			so = errno;
		if (so != 0 && c->addr_index + 1 < c->ep->naddr)
			return start_at(c, c->ep, c->ctx, c->addr_index + 1, e) < 0 ? -1 : 0;
		if (so != 0)
			return err_set(e, "connect to %s: %s", c->ep->url, strerror(so));
		return next_layer(c, CONN_TCP, e);
	}
	case CONN_TLS:
		r = conn_tls_step(c, e);
		return r <= 0 ? r : next_layer(c, CONN_TLS, e);
	case CONN_UPGRADE:
		if (conn_flush(c, e) < 0)
			return -1;
		r = conn_ws_step(c, e);
		return r <= 0 ? r : next_layer(c, CONN_UPGRADE, e);
	case CONN_OPEN:
		return 1;
	case CONN_CLOSED:
		return err_set(e, "not connected");
	}
	return -1;
}

short conn_events(const struct conn *c)
{
	if (c->state == CONN_TCP)
		return POLLOUT;
	short ev = POLLIN;
	if (c->outoff < c->outn || c->tls_want_write)
		ev |= POLLOUT;
	return ev;
}

int conn_pending(const struct conn *c)
{
	if (c->state != CONN_OPEN)
		return 0;
	return (c->ep->tls && conn_tls_pending(c)) || (c->ep->ws && conn_ws_pending(c));
}

long conn_read(struct conn *c, uint8_t *buf, size_t n, struct err *e)
{
	if (c->state != CONN_OPEN)
		return -2;
	return c->ep->ws ? conn_ws_read(c, buf, n, e) : conn_raw_read(c, buf, n, e);
}

int conn_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e)
{
	if (c->state != CONN_OPEN)
		return err_set(e, "not connected");
	if (c->ep->ws) {
		int armed = c->ws_armed;
		c->ws_armed = 0;
		conn_ws_write(c, armed ? &c->ws_next : NULL, buf, n);
	} else
		conn_queue(c, buf, n);
	return conn_flush(c, e);
}

void conn_close(struct conn *c)
{
	conn_tls_close(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c->raw);
	free(c->app);
	free(c->held);
	const struct conn_endpoint *ep = c->ep;
	struct conn_ctx *ctx = c->ctx;
	enum conn_rule viol = c->violation;
	char msg[sizeof c->violation_msg];
	memcpy(msg, c->violation_msg, sizeof msg);
	conn_init(c);
	/* What the broker broke outlives the socket, for the report. */
	c->ep = ep;
	c->ctx = ctx;
	c->violation = viol;
	memcpy(c->violation_msg, msg, sizeof msg);
}
