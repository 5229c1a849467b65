/*
 * fake_peer.h - a scripted broker in the test process, so the engine can be
 * tested without one: a TCP listener on 127.0.0.1 (an ephemeral port) whose
 * thread answers each connection by a script of its own, and records what
 * the engine sent.
 *
 * It knows only MQTT framing (fixed header, remaining length) and where a
 * packet id sits: the bytes it sends are written out in the tests, so a test
 * says exactly what the "broker" put on the wire, whatever the codec does.
 */
#ifndef FAKE_PEER_H
#define FAKE_PEER_H

#include <stddef.h>
#include <stdint.h>

enum fake_op {
	FAKE_END = 0, /* the script is over: stay silent, recording what comes, until the client closes */
	FAKE_RECV,    /* read one packet, which must be of `type` (a deviation is fake_peer_error) */
	FAKE_SEND,    /* write `bytes` */
	FAKE_SEND_ID, /* write `bytes` with [2] and [3] set to the packet id of the last packet read */
	FAKE_FLOOD,   /* write `bytes` `count` times, as one stream */
	FAKE_WAIT,    /* let `ms` pass, reading nothing (what comes stays queued) */
	FAKE_CLOSE    /* close the connection */
};

struct fake_step {
	enum fake_op op;
	int type;             /* FAKE_RECV: the MQTT packet type (1 CONNECT ... 14 DISCONNECT) */
	const uint8_t *bytes; /* FAKE_SEND, FAKE_SEND_ID, FAKE_FLOOD */
	size_t n;
	size_t count;         /* FAKE_FLOOD */
	long ms;              /* FAKE_WAIT */
};

#define FAKE_BYTES(...) .bytes = (const uint8_t[]){__VA_ARGS__}, .n = sizeof((const uint8_t[]){__VA_ARGS__})
#define FP_RECV(t) {.op = FAKE_RECV, .type = (t)}
#define FP_SEND(...) {.op = FAKE_SEND, FAKE_BYTES(__VA_ARGS__)}
#define FP_SEND_ID(...) {.op = FAKE_SEND_ID, FAKE_BYTES(__VA_ARGS__)}
#define FP_FLOOD(k, ...) {.op = FAKE_FLOOD, .count = (k), FAKE_BYTES(__VA_ARGS__)}
#define FP_WAIT(t) {.op = FAKE_WAIT, .ms = (t)}
#define FP_CLOSE {.op = FAKE_CLOSE}
#define FP_END {.op = FAKE_END}
/* The usual opening: the CONNECT, answered by CONNACK 0. */
#define FP_ACCEPT FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x00)

/* One packet the peer read. */
struct fake_rx {
	int type;
	uint8_t flags;
	int has_packet_id;
	uint16_t packet_id;
	uint8_t *bytes;       /* the whole packet */
	size_t n;
};

struct fake_peer;

/* Listen and serve: connection k (in accept order) follows scripts[k], each
 * ended by FAKE_END; connections beyond nscripts stay silent. The scripts
 * must outlive the peer. Fails the test if the socket cannot be set up. */
struct fake_peer *fake_peer_start(const struct fake_step *const *scripts, size_t nscripts);

/* "mqtt://127.0.0.1:PORT" */
const char *fake_peer_url(const struct fake_peer *p);

/* Interrupt every script (waits included), close everything, join the
 * threads. The records stay readable until fake_peer_free. */
void fake_peer_stop(struct fake_peer *p);
void fake_peer_free(struct fake_peer *p);

/* After fake_peer_stop: connections accepted, packets read on one of them. */
size_t fake_peer_nconns(const struct fake_peer *p);
size_t fake_peer_nreceived(const struct fake_peer *p, size_t conn);
const struct fake_rx *fake_peer_received(const struct fake_peer *p, size_t conn, size_t i);

/* The first way a connection left its script (a packet of another type, the
 * client closing or staying silent where a packet was due), or NULL. */
const char *fake_peer_error(const struct fake_peer *p);

#endif
