/* conn.c - TCP connections. See conn.h. */
#include "harness/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int conn_endpoint_parse(struct conn_endpoint *ep, const char *url, struct err *e)
{
	memset(ep, 0, sizeof *ep);
	snprintf(ep->url, sizeof ep->url, "%s", url);
	const char *p = strstr(url, "://");
	if (!p)
		return err_set(e, "%s: expected a URL like mqtt://host:port", url);
	size_t sl = (size_t)(p - url);
	if (sl >= sizeof ep->scheme)
		return err_set(e, "%s: unknown scheme", url);
	memcpy(ep->scheme, url, sl);
	if (strcmp(ep->scheme, "mqtt") != 0)
		return err_set(e, "%s: scheme \"%s\" is not supported (use mqtt://)", url, ep->scheme);
	p += 3;
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
	snprintf(ep->port, sizeof ep->port, "1883");
	if (*p == ':') {
		p++;
		size_t n = strspn(p, "0123456789");
		long port = strtol(p, NULL, 10);
		if (n == 0 || n > 5 || port < 1 || port > 65535)
			return err_set(e, "%s: bad port", url);
		snprintf(ep->port, sizeof ep->port, "%ld", port);
		p += n;
	}
	if (*p && strcmp(p, "/") != 0)
		return err_set(e, "%s: unexpected \"%s\" after the port", url, p);
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(ep->host, ep->port, &hints, &res);
	if (rc != 0 || !res)
		return err_set(e, "%s: cannot resolve %s: %s", url, ep->host, gai_strerror(rc));
	memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
	ep->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int conn_start(struct conn *c, const struct conn_endpoint *ep, struct err *e)
{
	c->fd = socket(ep->addr.ss_family, SOCK_STREAM, 0);
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
	if (connect(c->fd, (const struct sockaddr *)&ep->addr, ep->addrlen) < 0 && errno != EINPROGRESS) {
		int er = errno;
		conn_close(c);
		return err_set(e, "connect to %s: %s", ep->url, strerror(er));
	}
	return 0;
}

int conn_finish(struct conn *c, struct err *e)
{
	int so = 0;
	socklen_t len = sizeof so;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so, &len) < 0)
		so = errno;
	if (so != 0)
		return err_set(e, "connect: %s", strerror(so));
	return 0;
}

long conn_read(struct conn *c, uint8_t *buf, size_t n, struct err *e)
{
	ssize_t r = recv(c->fd, buf, n, 0);
	if (r > 0)
		return (long)r;
	if (r == 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -2;
	return err_set(e, "%s", strerror(errno));
}

long conn_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e)
{
	ssize_t r = send(c->fd, buf, n, MSG_NOSIGNAL);
	if (r >= 0)
		return (long)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return err_set(e, "%s", strerror(errno));
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
