/*
 * conn.h - network connections to the broker. Non-blocking, driven by the
 * engine's poll loop. Only this module touches sockets.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "harness/err.h"

struct conn_endpoint {
	char url[512];
	char scheme[8];        /* "mqtt" */
	char host[256];        /* without brackets for IPv6 literals */
	char port[8];
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

/* Parse mqtt://host[:port] and resolve it (once, blocking). */
int conn_endpoint_parse(struct conn_endpoint *ep, const char *url, struct err *e);

struct conn {
	int fd;                /* -1 when closed */
};

/* Start a non-blocking connect; the caller polls for POLLOUT then calls conn_finish. */
int conn_start(struct conn *c, const struct conn_endpoint *ep, struct err *e);
/* 0 connected, -1 failed (e says why). */
int conn_finish(struct conn *c, struct err *e);
/* >0 bytes read, 0 the peer closed, -1 error (e set), -2 nothing to read now. */
long conn_read(struct conn *c, uint8_t *buf, size_t n, struct err *e);
/* >=0 bytes written, -1 error (e set). */
long conn_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e);
void conn_close(struct conn *c);

#endif
