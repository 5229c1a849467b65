/*
 * sync_client.h - a small synchronous MQTT client over a conn, for the work done
 * before the cases run (the pre-flight CONNECT, the capability probe). Every
 * call is bounded by an absolute deadline (util/clock.h clock_ms() milliseconds).
 */
#ifndef SYNC_CLIENT_H
#define SYNC_CLIENT_H

#include "codec/mqtt.h"
#include "net/conn.h"

/* The first rule a received packet broke (pre-flight and probe report it in
 * the built-in case): the clause, how, the packet's first bytes. */
struct sync_client_finding {
	const char *clause;  /* NULL: none seen */
	char what[300];
	uint8_t raw[64];
	size_t rawn;
};

struct sync_client {
	struct conn conn;
	uint8_t in[8192];
	size_t n;          /* bytes in `in` */
	size_t used;       /* bytes of `in` the last packet returned took */
	/* The last packet framed, valid until the next call: its bytes, and when
	 * it did not decode, the rule it breaks (diag.clause may be NULL). */
	const uint8_t *last;
	size_t lastn;
	struct mqtt_diag diag;
	int seen_first;                /* a packet has arrived on this connection */
	struct sync_client_finding *find; /* set by the caller after sync_client_open, or NULL */
	/* What it speaks: sync_client_open sets 3.1.1; a caller that tries
	 * another version sets it after the open. Every packet is encoded,
	 * framed, decoded and judged in it. */
	enum mqtt_version version;
};

/* Connect (TCP, TLS, WebSocket). 0, or -1 with e saying what failed. */
int sync_client_open(struct sync_client *b, const struct conn_endpoint *ep, struct conn_ctx *ctx, double end, struct err *e);
int sync_client_send(struct sync_client *b, const struct mqtt_packet *p, struct err *e);
/* The next packet: 1 (slices valid until the next call), 0 nothing by `end`,
 * -1 closed, broken or not a packet (e says which; `last` is set when a
 * framed packet did not decode). */
int sync_client_recv(struct sync_client *b, double end, struct mqtt_packet *p, struct err *e);
void sync_client_close(struct sync_client *b);

/* A 3.1.1 CONNECT with the given id and clean session, carrying credentials if given. */
void sync_client_connect_packet(struct mqtt_packet *p, const char *id, const char *user, const char *pass);
/* The same in version `v` (5.0: Clean Start, no properties). */
void sync_client_connect_packet_v(struct mqtt_packet *p, enum mqtt_version v, const char *id, const char *user,
				  const char *pass);

#endif
