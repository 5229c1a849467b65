/*
 * engine_monitor.h - invariants a broker keeps on every packet it sends,
 * checked in every case whatever the case is about (design.md, "monitors"):
 *
 *   MQTT-3.2.0-1  the first packet on a connection is a CONNACK;
 *   MQTT-3.3.2-3  a delivered PUBLISH matches one of the client's subscriptions;
 *   MQTT-3.8.4-6  ... at no more than the granted QoS, nor the published one;
 *   MQTT-4.3.3-2  a QoS 2 message reaches a subscription once;
 *   MQTT-2.3.1-4  packet ids of QoS 1/2 messages in flight to a client differ;
 *   MQTT-3.1.2-6  nothing arrives through a subscription of a session that
 *                 CleanSession 1 discarded.
 *
 * and on a 5.0 connection, by what the client's CONNECT asked of the broker:
 *
 *   MQTT-3.1.2-24 no packet larger than the client's Maximum Packet Size
 *                 (or the packet's own Reason String or User Property
 *                 clause, MQTT-3.2.2-19 ..., when leaving that property out
 *                 would have made it fit);
 *   MQTT-3.1.2-29 after Request Problem Information 0, no Reason String or
 *                 User Property but on PUBLISH, CONNACK and DISCONNECT;
 *   MQTT-3.3.4-9  no more QoS 1/2 PUBLISHes unacknowledged than its Receive
 *                 Maximum (acknowledged: PUBACK, PUBCOMP, PUBREC >= 0x80);
 *   MQTT-3.1.2-26 a Topic Alias no greater than its Topic Alias Maximum,
 *   MQTT-3.1.2-27 none at all when it sent none (or 0),
 *   MQTT-3.3.2-8  never 0 (also the strict decoder's, which then judges first);
 *   MQTT-3.14.4-1 nothing after the broker's own DISCONNECT;
 * and an AUTH may come before the CONNACK when the CONNECT named an
 * Authentication Method (enhanced authentication, 4.12).
 *
 * (Packets of the wrong direction are the strict decoder's: MQTTSPEC-2.2.1-2.
 * A connection speaks the version of the CONNECT it sent.)
 *
 * The monitor learns what the case's clients asked for from the bytes they
 * send (SUBSCRIBE, CONNECT, PUBLISH, acknowledgements) and judges what
 * arrives. It errs on the side of the broker wherever the spec leaves room:
 * a subscription counts from the SUBSCRIBE on (messages may come before the
 * SUBACK, 3.8.4) and still counts after an UNSUBSCRIBE (buffered messages may
 * follow, 3.10.4); a session kept with CleanSession 0 keeps its
 * subscriptions across connections of the same client id; overlapping
 * subscriptions may each bring a copy (3.3.5); a leading wildcard is taken
 * to match a '$' topic here (that rule, MQTT-4.7.2-1, is the cases' to judge);
 * in 5.0 a Shared Subscription "$share/{ShareName}/{filter}" matches by its
 * {filter} (4.8.2), and a delivery to any member is judged as to that member.
 */
#ifndef ENGINE_MONITOR_H
#define ENGINE_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

struct mon_session;
struct mon_message;
struct mon_link;

struct engine_monitor {
	struct mon_session *sessions;
	size_t nsessions;
	struct mon_message *published; /* what the case's clients published (and Wills) */
	size_t npublished;
	struct mon_link *links;        /* per connection a CONNECT opened: its version and 5.0 limits */
	size_t nlinks;
};

/* Per connection: the monitor's view of one scripted client's current connection. */
struct mon_conn {
	int seen_first;  /* a packet has arrived on this connection */
	long session;    /* index into engine_monitor.sessions + 1; 0 before a CONNECT */
	long link;       /* index into engine_monitor.links + 1; 0 before a CONNECT */
	int disconnected; /* the broker sent DISCONNECT: nothing may follow (5.0) */
};

void engine_monitor_conn_reset(struct mon_conn *c);
/* The version of the connection's CONNECT (its Protocol Level), or dflt before one. */
enum mqtt_version engine_monitor_conn_version(const struct engine_monitor *m, const struct mon_conn *c,
					      enum mqtt_version dflt);

/* Bytes a client sent (one or more whole packets; others are ignored),
 * decoded in the version of the connection's CONNECT. */
void engine_monitor_tx(struct engine_monitor *m, struct mon_conn *c, const uint8_t *b, size_t n);
/* A packet a client sent, decoded in version v. */
void engine_monitor_tx_packet(struct engine_monitor *m, struct mon_conn *c, enum mqtt_version v,
			      const struct mqtt_packet *p);

/* A packet that arrived. NULL, or the clause it breaks with `what` set.
 * `broken`: the strict decoder already found it breaks a rule; then only
 * its place (the first packet) is judged, so one bad packet is charged once. */
const char *engine_monitor_rx(struct engine_monitor *m, struct mon_conn *c, const struct mqtt_packet *p, int broken,
			      char *what, size_t n);

void engine_monitor_free(struct engine_monitor *m);

#endif
