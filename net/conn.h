/*
 * conn.h - network connections to the broker: TCP, TLS (OpenSSL) and
 * WebSocket (RFC 6455) over either, non-blocking, driven by the engine's
 * poll loop. Only this module touches sockets.
 *
 * A connection goes TCP connect -> TLS handshake (mqtts, wss) -> HTTP upgrade
 * (ws, wss) -> open. Once open, conn_read/conn_write carry the MQTT byte
 * stream; WebSocket framing is invisible above this layer.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "util/err.h"

struct conn_endpoint {
	char url[512];
	char scheme[8];        /* mqtt, mqtts, ws, wss */
	int tls, ws;
	char host[256];        /* without brackets for IPv6 literals */
	char port[8];
	char path[256];        /* WebSocket path, default /mqtt */
	/* Every address the host resolves to (localhost: ::1 and 127.0.0.1), tried in order. */
	struct sockaddr_storage addr[4];
	socklen_t addrlen[4];
	int naddr;
};

/* Parse mqtt://, mqtts://, ws://, wss:// URLs and resolve the host (once, blocking). */
int conn_endpoint_parse(struct conn_endpoint *ep, const char *url, struct err *e);

struct conn_tls_opts {
	const char *cafile;    /* NULL: the system store */
	const char *cert, *key;/* client certificate for mutual TLS */
	int insecure;          /* no peer verification */
};

/* What every connection of a run shares (the TLS context). */
struct conn_ctx {
	void *ssl_ctx;         /* SSL_CTX *, NULL until a TLS endpoint needs it */
	struct conn_tls_opts tls;
};

int conn_ctx_init(struct conn_ctx *ctx, const struct conn_tls_opts *o, struct err *e);
void conn_ctx_free(struct conn_ctx *ctx);

/* How one write goes into WebSocket frames, when a case asks for more than
 * the default single binary frame (cases/README.md, "WebSocket framing"). */
#define CONN_WS_MAX_SPLIT 16
struct conn_ws_send {
	int opcode;            /* of the first frame: WS_BINARY or WS_TEXT (ws_frame.h) */
	size_t split[CONN_WS_MAX_SPLIT]; /* offsets, increasing: a new frame (continuation) starts at each */
	size_t nsplit;
	int hold;              /* send nothing now: the next write frames these bytes with its own */
};

enum conn_state { CONN_CLOSED, CONN_TCP, CONN_TLS, CONN_UPGRADE, CONN_OPEN };

/* The rules of MQTT over WebSocket a broker can break where only the
 * transport sees it. Which clause each is belongs to the protocol version
 * (the engine asks the codec's rule table), not to the connection. */
enum conn_rule {
	CONN_RULE_NONE = 0,
	CONN_RULE_WS_BINARY,      /* a text frame: MQTT travels in binary frames */
	CONN_RULE_WS_SUBPROTOCOL, /* the upgrade did not select the "mqtt" sub-protocol */
};

struct conn {
	int fd;                /* -1 when closed */
	enum conn_state state;
	const struct conn_endpoint *ep;
	struct conn_ctx *ctx;
	int addr_index;        /* which of ep->addr is being tried */
	void *ssl;             /* SSL * */
	int tls_want_write;    /* the TLS layer waits for the socket to be writable */
	uint8_t *out;          /* bytes for the wire (framed), not yet written */
	size_t outn, outoff, outcap;
	uint8_t *raw;          /* WebSocket: bytes read, not yet deframed; upgrade: the answer so far */
	size_t rawn, rawcap;
	uint8_t *app;          /* WebSocket: MQTT bytes deframed, not yet read */
	size_t appn, appoff, appcap;
	int peer_closed;       /* WebSocket close frame received */
	int text_seen;         /* a text frame arrived (reported once) */
	char ws_key[32];
	/* What the set-up saw, kept while the connection is open so a case's open
	 * step can make it its check: over WebSocket, the sub-protocol selected. */
	char setup_note[256];  /* "" when there is nothing to say (TCP, TLS) */
	enum conn_rule setup_violation; /* the rule the set-up broke (the sub-protocol), or none */
	/* Bytes a send asked to hold (WebSocket "with_next"): the next write frames
	 * them in front of its own bytes. */
	uint8_t *held;
	size_t heldn;
	struct conn_ws_send ws_next; /* framing for the next write (a copy: the caller's may go) */
	int ws_armed;                /* 0: the next write is one binary frame */
	/* A transport rule the broker broke, for the engine to report as a FAIL
	 * of its clause; CONN_RULE_NONE if none. */
	enum conn_rule violation;
	char violation_msg[256];
};

void conn_init(struct conn *c);

/* Start connecting. 0, or -1 with e set. */
int conn_start(struct conn *c, const struct conn_endpoint *ep, struct conn_ctx *ctx, struct err *e);

/* Advance the connection set-up after poll said the socket is ready:
 * 1 open, 0 still in progress, -1 failed (e says why: which certificate, which header). */
int conn_progress(struct conn *c, struct err *e);

/* Poll events this connection waits for. */
short conn_events(const struct conn *c);

/* 1 if bytes are ready to read without waiting for the socket (TLS or WebSocket buffers). */
int conn_pending(const struct conn *c);

/* >0 bytes of the MQTT stream, 0 the peer closed, -1 error (e set), -2 nothing now. */
long conn_read(struct conn *c, uint8_t *buf, size_t n, struct err *e);

/* Queue MQTT bytes (framed for WebSocket) and write what the socket takes. 0 or -1. */
int conn_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e);

/* Arm the framing of the next conn_write (o lives until then) after checking
 * that it fits a write of n bytes on this connection (held bytes included).
 * 0, or -1 with e set (not a WebSocket connection, an offset past the end). */
int conn_ws_arm(struct conn *c, const struct conn_ws_send *o, size_t n, struct err *e);

/* The bytes the next write will carry in front of its own (held ones). */
size_t conn_ws_held(const struct conn *c);

/* Write queued bytes. 0, or -1 with e set. */
int conn_flush(struct conn *c, struct err *e);

/* Bytes queued and not yet written. */
size_t conn_queued(const struct conn *c);

void conn_close(struct conn *c);

#endif
