/* conn_io.c - the byte stream under the layers (TLS if the endpoint has it,
 * else TCP) and the out queue. conn.c and conn_ws.c call down to it; it
 * calls only conn_tls.c, so no call goes back up. See conn_int.h. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "net/conn_int.h"
#include "util/alloc.h"

long conn_raw_read(struct conn *c, uint8_t *buf, size_t n, struct err *e)
{
	if (c->ep->tls)
		return conn_tls_read(c, buf, n, e);
	ssize_t r = recv(c->fd, buf, n, 0);
	if (r >= 0)
		return (long)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -2;
	return err_set(e, "%s", strerror(errno));
}

long conn_raw_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e)
{
	if (c->ep->tls)
		return conn_tls_write(c, buf, n, e);
	ssize_t r = send(c->fd, buf, n, MSG_NOSIGNAL);
	if (r >= 0)
		return (long)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return err_set(e, "%s", strerror(errno));
}

void conn_queue(struct conn *c, const uint8_t *b, size_t n)
{
	if (c->outoff == c->outn)
		c->outoff = c->outn = 0;
	if (c->outn + n > c->outcap) {
		c->outcap = (c->outn + n) * 2;
		c->out = alloc_resize(c->out, c->outcap);
	}
	memcpy(c->out + c->outn, b, n);
	c->outn += n;
}

int conn_flush(struct conn *c, struct err *e)
{
	while (c->outoff < c->outn) {
		long w = conn_raw_write(c, c->out + c->outoff, c->outn - c->outoff, e);
		if (w < 0)
			return -1;
		if (w == 0)
			return 0;
		c->outoff += (size_t)w;
	}
	return 0;
}

size_t conn_queued(const struct conn *c)
{
	return c->outn - c->outoff;
}
