/*
 * profile.h - what the broker offers of the features the spec leaves
 * optional, learned by a short probe at the start of a run or declared by
 * the user (--profile FILE). A case that needs what the broker lacks is NOT
 * APPLICABLE, with the reason. Learning it from a broker and its endpoints
 * is the engine's (engine/profile_probe.h); this is what a case and a profile
 * file say, and the comparison of the two.
 */
#ifndef PROFILE_H
#define PROFILE_H

#include <cjson/cJSON.h>

#include "util/err.h"

/* Values: -1 unknown; for flags 0/1. */
struct profile_caps {
	int max_qos;          /* highest QoS granted for a QoS 2 request */
	int retain;           /* the probe saw a retained QoS 1 message reach a later subscriber; shown, never
	                         a need (keeping retained messages is a MUST, MQTT-3.3.1-5) */
	int wildcards;        /* accepts + and # in filters */
	long max_client_id;   /* longest client id accepted (23 at least, by the spec) */
	int sys;              /* publishes on $SYS */
	/* WebSocket (ws://, wss://): in a case's needs, 1 for "transport": "ws";
	 * in a run's profile, 1 when every --broker endpoint is WebSocket (each
	 * client of a case may land on any of them). Not a broker feature: the
	 * URLs decide it, so a profile file cannot declare it. */
	int ws;
};

struct profile {
	struct profile_caps caps;
	/* where each value came from: "probe: SUBACK 0x01 for a QoS 2 request", "--profile FILE" */
	char source[5][160];
	char transport[160];  /* the endpoints, for the reason a ws case does not run */
};

enum profile_cap { PROFILE_MAX_QOS, PROFILE_RETAIN, PROFILE_WILDCARDS, PROFILE_MAX_CLIENT_ID, PROFILE_SYS, PROFILE_NCAPS };

/* The name of a capability in case files and profile files ("max_qos", ...). */
const char *profile_cap_name(enum profile_cap c);

void profile_init(struct profile *p);
/* Every capability unknown / not needed. */
void profile_caps_none(struct profile_caps *c);

/* Read a needs or profile object ({"max_qos": 1, "retain": true, ...}) into caps
 * (absent fields stay -1). 0, or -1 with "path.field: what is wrong". */
int profile_parse(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e);

/* Apply a user's --profile file over p. */
int profile_load(struct profile *p, const char *file, struct err *e);

/* NULL if the profile offers all `needs` asks, else why not (written to buf). */
const char *profile_unmet(const struct profile *p, const struct profile_caps *needs, char *buf, size_t n);

/* The value of a capability as text ("2", "yes", "no", "unknown"). */
void profile_value(const struct profile *p, enum profile_cap c, char *buf, size_t n);

#endif
