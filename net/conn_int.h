/*
 * conn_int.h - the layers of a connection, private to conn.c (URLs, TCP
 * set-up, the layering), conn_io.c (the byte stream and the out queue),
 * conn_tls.c (OpenSSL) and conn_ws.c (WebSocket). Calls go one way:
 * conn.c -> conn_ws.c -> conn_io.c -> conn_tls.c.
 */
#ifndef CONN_INT_H
#define CONN_INT_H

#include "net/conn.h"

/* conn_io.c: the byte stream under WebSocket, TLS if the endpoint has it,
 * else TCP. Same returns as conn_read. */
long conn_raw_read(struct conn *c, uint8_t *buf, size_t n, struct err *e);
/* >=0 bytes written, -1 error. */
long conn_raw_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e);
/* Append to the out queue. */
void conn_queue(struct conn *c, const uint8_t *b, size_t n);

int conn_tls_begin(struct conn *c, struct err *e);
int conn_tls_step(struct conn *c, struct err *e);   /* 1 done, 0 pending, -1 failed */
long conn_tls_read(struct conn *c, uint8_t *buf, size_t n, struct err *e);
long conn_tls_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e);
int conn_tls_pending(const struct conn *c);
void conn_tls_close(struct conn *c);

int conn_ws_begin(struct conn *c, struct err *e);   /* queue the upgrade request */
int conn_ws_step(struct conn *c, struct err *e);    /* 1 upgraded, 0 pending, -1 failed */
long conn_ws_read(struct conn *c, uint8_t *buf, size_t n, struct err *e);
void conn_ws_send(struct conn *c, int opcode, const uint8_t *b, size_t n);
/* Frame one write as o says (NULL: one binary frame), held bytes first. */
void conn_ws_write(struct conn *c, const struct conn_ws_send *o, const uint8_t *b, size_t n);
int conn_ws_pending(const struct conn *c);

#endif
