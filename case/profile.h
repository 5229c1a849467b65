/*
 * profile.h - what the broker offers of the features the spec leaves
 * optional, per protocol version, and what a case needs of it. A case that
 * needs what the broker lacks is NOT APPLICABLE, with the reason.
 *
 * 3.1.1 announces nothing: a short probe learns its capabilities, and a
 * --profile file may declare them instead. 5.0 announces them in CONNACK
 * (the spec's default where a property is absent), and a --profile file may
 * only lower what was announced, never raise it.
 *
 * Learning them from a broker and its endpoints is the engine's
 * (engine/profile_probe.h); this is what a case and a profile file say, and
 * the comparison of the two.
 */
#ifndef PROFILE_H
#define PROFILE_H

#include <cjson/cJSON.h>
#include <limits.h>

#include "codec/mqtt.h"
#include "util/err.h"

/* A limit the broker did not set (5.0: no Maximum Packet Size announced). */
#define PROFILE_NO_LIMIT LONG_MAX

/* Values: -1 unknown (in needs: not needed); for flags 0/1. */
struct profile_caps {
	int max_qos;          /* 3.1.1: highest QoS granted for a QoS 2 request; 5.0: Maximum QoS */
	int retain;           /* 3.1.1: the probe saw a retained QoS 1 message reach a later subscriber; shown, never
	                         a need (keeping retained messages is a MUST, MQTT-3.3.1-5); 5.0: Retain Available */
	int wildcards;        /* accepts + and # in filters (5.0: Wildcard Subscription Available) */
	long max_client_id;   /* longest client id accepted (23 at least, by the spec) */
	int sys;              /* publishes on $SYS */
	/* WebSocket (ws://, wss://): in a case's needs, 1 for "transport": "ws";
	 * in a run's profile, 1 when every --broker endpoint is WebSocket (each
	 * client of a case may land on any of them). Not a broker feature: the
	 * URLs decide it, so a profile file cannot declare it. */
	int ws;
	/* 5.0 only, from CONNACK */
	int sub_ids;          /* Subscription Identifier Available */
	int shared;           /* Shared Subscription Available */
	long receive_max;     /* Receive Maximum: QoS>0 PUBLISHes the broker takes unacknowledged */
	long max_packet;      /* Maximum Packet Size it accepts, PROFILE_NO_LIMIT for none */
	long alias_max;       /* Topic Alias Maximum: aliases a client may use towards it */
	long keep_alive;      /* Server Keep Alive, else the keep alive the client sent (not a need) */
	int assigned_id;      /* an Assigned Client Identifier came (not a need) */
	int auth;             /* an enhanced-authentication exchange the user declared (--auth FILE); no
	                         CONNACK announces one */
};

enum profile_cap {
	PROFILE_MAX_QOS,
	PROFILE_RETAIN,
	PROFILE_WILDCARDS,
	PROFILE_MAX_CLIENT_ID,
	PROFILE_SYS,
	PROFILE_SUB_IDS,
	PROFILE_SHARED,
	PROFILE_RECEIVE_MAX,
	PROFILE_MAX_PACKET,
	PROFILE_ALIAS_MAX,
	PROFILE_KEEP_ALIVE,
	PROFILE_ASSIGNED_ID,
	PROFILE_AUTH,
	PROFILE_NCAPS
};

/* One version's profile. */
struct profile {
	enum mqtt_version version;
	struct profile_caps caps;
	/* where each value came from: "probe: SUBACK 0x01 for a QoS 2 request",
	 * "announced in CONNACK", "default: ...", "--profile FILE: ..." */
	char source[PROFILE_NCAPS][160];
	char transport[160];  /* the endpoints, for the reason a ws case does not run */
};

/* The name of a capability in case files and profile files ("max_qos", ...). */
const char *profile_cap_name(enum profile_cap c);

/* The capabilities a version's profile has, in the order a report shows
 * them: *out points at a constant list. Returns its length. */
size_t profile_caps_of(enum mqtt_version v, const enum profile_cap **out);

/* A 3.1.1 profile, every capability unknown. */
void profile_init(struct profile *p);
/* A profile of version `v`, every capability unknown. */
void profile_init_version(struct profile *p, enum mqtt_version v);
/* Every capability unknown / not needed. */
void profile_caps_none(struct profile_caps *c);

/* Read a needs or profile object ({"max_qos": 1, "retain": true, ...}) into caps
 * (absent fields stay -1). 0, or -1 with "path.field: what is wrong". */
int profile_parse(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e);

/* profile_parse for the needs of a case of version `v`: a capability that
 * version's profile does not have is refused by name (it could never gate). */
int profile_parse_needs(const cJSON *o, const char *path, enum mqtt_version v, struct profile_caps *caps,
			struct err *e);

/*
 * Apply a user's --profile file to p, in p's version: {"3.1.1": {...},
 * "5.0": {...}}, or a flat object, read as 3.1.1. In 3.1.1 a value is
 * declared (the probe then leaves it); in 5.0 it lowers what the broker
 * announced, and one that would raise it is an error naming the key.
 * 0, or -1 with "FILE: path: what" (nothing is then applied).
 */
int profile_load(struct profile *p, const char *file, struct err *e);

/* NULL if the profile offers all `needs` asks, else why not (written to buf). */
const char *profile_unmet(const struct profile *p, const struct profile_caps *needs, char *buf, size_t n);

/* The value of a capability as text ("2", "yes", "no", "none", "unknown"). */
void profile_value(const struct profile *p, enum profile_cap c, char *buf, size_t n);

/* The value of a capability as a number (-1 unknown). */
long profile_get(const struct profile_caps *c, enum profile_cap k);
/* Set a capability's value. */
void profile_set(struct profile_caps *c, enum profile_cap k, long v);

#endif
