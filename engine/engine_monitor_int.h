/*
 * engine_monitor_int.h - what engine_monitor.c shares with
 * engine_monitor_limits.c: one connection's version and the 5.0 limits its
 * client set in CONNECT, and the QoS 1/2 PUBLISHes it has not acknowledged.
 */
#ifndef ENGINE_MONITOR_INT_H
#define ENGINE_MONITOR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

struct mon_link {
	enum mqtt_version version;
	long max_packet;       /* the client's Maximum Packet Size; 0: none set */
	long receive_max;      /* its Receive Maximum (65535 when absent) */
	long alias_max;        /* its Topic Alias Maximum (0 when absent: no aliases) */
	int auth;              /* it named an Authentication Method: AUTH may come before CONNACK */
	int no_problems;       /* it set Request Problem Information 0 */
	uint16_t *unacked;     /* ids of QoS 1/2 PUBLISHes from the broker it has not acknowledged */
	size_t nunacked;
	struct mqtt_slice *aliases; /* the topic the broker set for alias i + 1 (owned copies) */
	size_t naliases;
};

/* A 5.0 CONNECT the client sent: its limits. */
void mon_limits_connect(struct mon_link *l, const struct mqtt_packet *connect);
/* A packet the client sent on the connection (its acknowledgements). */
void mon_limits_tx(struct mon_link *l, const struct mqtt_packet *p);
/* A packet the broker sent: NULL, or the 5.0 limit it breaks with `what` set. */
const char *mon_limits_rx(struct mon_link *l, const struct mqtt_packet *p, char *what, size_t n);
/* The topic a PUBLISH from the broker is on: its own, or the one its Topic
 * Alias stands for (an alias with a topic sets it). 1 with *topic set, or 0:
 * an empty topic under an alias the broker never set. */
int mon_limits_topic(struct mon_link *l, const struct mqtt_packet *p, struct mqtt_slice *topic);
void mon_limits_free(struct mon_link *l);

#endif
