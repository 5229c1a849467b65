/* profile.c - capabilities: their names and values, a case's needs, and
 * whether a profile meets them. Profile files are profile_file.c. */
#include "case/profile.h"

#include <stdio.h>
#include <string.h>

#include "case/profile_int.h"
#include "util/json_util.h"

static const char *const names[PROFILE_NCAPS] = {
	"max_qos", "retain", "wildcards", "max_client_id", "sys", "sub_ids",
	"shared", "receive_max", "max_packet", "alias_max", "keep_alive", "assigned_id", "auth",
};

/* What a case file or a profile file may give for each key. Receive
 * Maximum 0 and Maximum Packet Size 0 are protocol errors, never a value;
 * the largest packet the protocol can carry is 1 + 4 + 268435455 bytes. */
const struct profile_key profile_keys[] = {
	{PROFILE_MAX_QOS, 0, 0, 2},
	{PROFILE_RETAIN, 1, 0, 1},
	{PROFILE_WILDCARDS, 1, 0, 1},
	{PROFILE_MAX_CLIENT_ID, 0, 23, 65535},
	{PROFILE_SYS, 1, 0, 1},
	{PROFILE_SUB_IDS, 1, 0, 1},
	{PROFILE_SHARED, 1, 0, 1},
	{PROFILE_RECEIVE_MAX, 0, 1, 65535},
	{PROFILE_MAX_PACKET, 0, 1, 268435460},
	{PROFILE_ALIAS_MAX, 0, 0, 65535},
	{PROFILE_AUTH, 1, 0, 1},
};
const size_t profile_nkeys = sizeof profile_keys / sizeof profile_keys[0];

const char *profile_cap_name(enum profile_cap c)
{
	return (unsigned)c < PROFILE_NCAPS ? names[c] : "?";
}

size_t profile_caps_of(enum mqtt_version v, const enum profile_cap **out)
{
	static const enum profile_cap v311[] = {PROFILE_MAX_QOS, PROFILE_RETAIN, PROFILE_WILDCARDS,
						PROFILE_MAX_CLIENT_ID, PROFILE_SYS};
	static const enum profile_cap v5[] = {PROFILE_MAX_QOS,	   PROFILE_RETAIN,	PROFILE_WILDCARDS,
					      PROFILE_SUB_IDS,	   PROFILE_SHARED,	PROFILE_RECEIVE_MAX,
					      PROFILE_MAX_PACKET,  PROFILE_ALIAS_MAX,	PROFILE_KEEP_ALIVE,
					      PROFILE_ASSIGNED_ID, PROFILE_AUTH};
	if (v == MQTT_V5) {
		*out = v5;
		return sizeof v5 / sizeof v5[0];
	}
	*out = v311;
	return sizeof v311 / sizeof v311[0];
}

int profile_cap_of(enum mqtt_version v, enum profile_cap c)
{
	const enum profile_cap *list;
	size_t n = profile_caps_of(v, &list);
	for (size_t i = 0; i < n; i++)
		if (list[i] == c)
			return 1;
	return 0;
}

void profile_init(struct profile *p)
{
	profile_init_version(p, MQTT_V311);
}

void profile_init_version(struct profile *p, enum mqtt_version v)
{
	memset(p, 0, sizeof *p);
	p->version = v;
	profile_caps_none(&p->caps);
	for (int i = 0; i < PROFILE_NCAPS; i++)
		snprintf(p->source[i], sizeof p->source[i], "%s", v == MQTT_V5 ? "not announced" : "not probed");
}

void profile_caps_none(struct profile_caps *c)
{
	c->ws = -1;
	for (int k = 0; k < PROFILE_NCAPS; k++)
		profile_set(c, (enum profile_cap)k, -1);
}

long profile_get(const struct profile_caps *c, enum profile_cap k)
{
	switch (k) {
	case PROFILE_MAX_QOS: return c->max_qos;
	case PROFILE_RETAIN: return c->retain;
	case PROFILE_WILDCARDS: return c->wildcards;
	case PROFILE_MAX_CLIENT_ID: return c->max_client_id;
	case PROFILE_SYS: return c->sys;
	case PROFILE_SUB_IDS: return c->sub_ids;
	case PROFILE_SHARED: return c->shared;
	case PROFILE_RECEIVE_MAX: return c->receive_max;
	case PROFILE_MAX_PACKET: return c->max_packet;
	case PROFILE_ALIAS_MAX: return c->alias_max;
	case PROFILE_KEEP_ALIVE: return c->keep_alive;
	case PROFILE_ASSIGNED_ID: return c->assigned_id;
	case PROFILE_AUTH: return c->auth;
	case PROFILE_NCAPS: break;
	}
	return -1;
}

void profile_set(struct profile_caps *c, enum profile_cap k, long v)
{
	switch (k) {
	case PROFILE_MAX_QOS: c->max_qos = (int)v; break;
	case PROFILE_RETAIN: c->retain = (int)v; break;
	case PROFILE_WILDCARDS: c->wildcards = (int)v; break;
	case PROFILE_MAX_CLIENT_ID: c->max_client_id = v; break;
	case PROFILE_SYS: c->sys = (int)v; break;
	case PROFILE_SUB_IDS: c->sub_ids = (int)v; break;
	case PROFILE_SHARED: c->shared = (int)v; break;
	case PROFILE_RECEIVE_MAX: c->receive_max = v; break;
	case PROFILE_MAX_PACKET: c->max_packet = v; break;
	case PROFILE_ALIAS_MAX: c->alias_max = v; break;
	case PROFILE_KEEP_ALIVE: c->keep_alive = v; break;
	case PROFILE_ASSIGNED_ID: c->assigned_id = (int)v; break;
	case PROFILE_AUTH: c->auth = (int)v; break;
	case PROFILE_NCAPS: break;
	}
}

/* "transport": "ws", the only transport a case can need (chapter 6). */
static int parse_transport(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e)
{
	const char *t = NULL;
	if (json_util_str(o, "transport", path, 0, &t, e) < 0)
		return -1;
	if (!t)
		return 0;
	if (strcmp(t, "ws") != 0)
		return err_set(e, "%s.transport: expected \"ws\" (a WebSocket connection, ws:// or wss://)", path);
	caps->ws = 1;
	return 0;
}

int profile_parse_caps(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e)
{
	profile_caps_none(caps);
	if (!cJSON_IsObject(o))
		return err_set(e, "%s: expected an object of capabilities", path);
	const char *keys[sizeof profile_keys / sizeof profile_keys[0] + 2];
	for (size_t i = 0; i < profile_nkeys; i++)
		keys[i] = names[profile_keys[i].cap];
	keys[profile_nkeys] = "transport";
	keys[profile_nkeys + 1] = NULL;
	if (json_util_known_keys(o, path, keys, e) < 0 || parse_transport(o, path, caps, e) < 0)
		return -1;
	for (size_t i = 0; i < profile_nkeys; i++) {
		const struct profile_key *k = &profile_keys[i];
		long v = 0;
		int b = 0, rc = k->flag ? json_util_bool(o, names[k->cap], path, 0, &b, e)
				     : json_util_int(o, names[k->cap], path, 0, k->lo, k->hi, &v, e);
		if (rc < 0)
			return -1;
		if (rc == 0)
			profile_set(caps, k->cap, k->flag ? b : v);
	}
	return 0;
}

/* A need of "retain": false would ask for a broker that keeps no retained
 * messages: meaningless in 5.0, and in 3.1.1 a way to turn FAILs of a MUST
 * (MQTT-3.3.1-5) into NOT APPLICABLE. */
int profile_parse(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e)
{
	if (profile_parse_caps(o, path, caps, e) < 0)
		return -1;
	if (caps->retain == 0)
		return err_set(e, "%s.retain: false is not allowed: keeping retained messages is a MUST (MQTT-3.3.1-5), "
			       "so a broker that does not keep them FAILs those cases; remove \"retain\"", path);
	return 0;
}

int profile_parse_needs(const cJSON *o, const char *path, enum mqtt_version v, struct profile_caps *caps,
			struct err *e)
{
	if (profile_parse(o, path, caps, e) < 0)
		return -1;
	for (size_t i = 0; i < profile_nkeys; i++) {
		enum profile_cap k = profile_keys[i].cap;
		if (profile_get(caps, k) >= 0 && !profile_cap_of(v, k))
			return err_set(e, "%s.%s: not a capability an MQTT %s broker is known by (%s)", path,
				       profile_cap_name(k), mqtt_version_name(v),
				       v == MQTT_V311 ? "5.0's CONNACK announces it" : "5.0 learns its capabilities from CONNACK");
	}
	return 0;
}

/* A need of at least `need` where the broker offers `have`: why not, or NULL. */
static const char *unmet_count(const struct profile *p, enum profile_cap k, const struct profile_caps *n, char *buf,
			       size_t len, const char *what)
{
	long need = profile_get(n, k), have = profile_get(&p->caps, k);
	if (need < 0 || have < 0 || have >= need)
		return NULL;
	snprintf(buf, len, "needs a %s of %ld; the broker's is %ld (%s)", what, need, have, p->source[k]);
	return buf;
}

/* A feature flag the case needs and the broker lacks: why, or NULL. */
static const char *unmet_flag(const struct profile *p, enum profile_cap k, const struct profile_caps *n, char *buf,
			      size_t len, const char *what)
{
	if (profile_get(n, k) != 1 || profile_get(&p->caps, k) != 0)
		return NULL;
	snprintf(buf, len, "needs %s, which the broker does not %s (%s)", what,
		 k == PROFILE_SYS ? "publish" : p->version == MQTT_V5 ? "offer" : "support", p->source[k]);
	return buf;
}

/* The needs only 5.0 announces: NULL when met (or when p is 3.1.1's). */
static const char *unmet_v5(const struct profile *p, const struct profile_caps *n, char *buf, size_t len)
{
	if (p->version != MQTT_V5)
		return NULL;
	const char *r;
	if ((r = unmet_flag(p, PROFILE_RETAIN, n, buf, len, "retained messages")) ||
	    (r = unmet_flag(p, PROFILE_SUB_IDS, n, buf, len, "subscription identifiers")) ||
	    (r = unmet_flag(p, PROFILE_SHARED, n, buf, len, "shared subscriptions")) ||
	    (r = unmet_count(p, PROFILE_RECEIVE_MAX, n, buf, len, "Receive Maximum")) ||
	    (r = unmet_count(p, PROFILE_MAX_PACKET, n, buf, len, "Maximum Packet Size")) ||
	    (r = unmet_count(p, PROFILE_ALIAS_MAX, n, buf, len, "Topic Alias Maximum")) ||
	    (r = unmet_flag(p, PROFILE_AUTH, n, buf, len, "an enhanced-authentication exchange")))
		return r;
	return NULL;
}

const char *profile_unmet(const struct profile *p, const struct profile_caps *n, char *buf, size_t len)
{
	const struct profile_caps *h = &p->caps;
	const char *r;
	if (n->max_qos >= 0 && h->max_qos >= 0 && h->max_qos < n->max_qos)
		snprintf(buf, len, "needs QoS %d; the broker %s QoS %d (%s)", n->max_qos,
			 p->version == MQTT_V5 ? "announces a Maximum QoS of" : "grants at most", h->max_qos,
			 p->source[PROFILE_MAX_QOS]);
	else if ((r = unmet_flag(p, PROFILE_WILDCARDS, n, buf, len, "wildcard subscriptions")) ||
		 (r = unmet_flag(p, PROFILE_SYS, n, buf, len, "$SYS topics")))
		return r;
	/* A case about WebSocket framing cannot run over plain TCP or TLS. */
	else if (n->ws == 1 && h->ws == 0)
		snprintf(buf, len, "needs a WebSocket connection (ws:// or wss://); %s", p->transport);
	else if (n->max_client_id >= 0 && h->max_client_id >= 0 && h->max_client_id < n->max_client_id)
		snprintf(buf, len, "needs client ids of %ld characters; the broker takes at most %ld (%s)", n->max_client_id,
			 h->max_client_id, p->source[PROFILE_MAX_CLIENT_ID]);
	else
		return unmet_v5(p, n, buf, len);
	return buf;
}

void profile_value(const struct profile *p, enum profile_cap c, char *buf, size_t n)
{
	long v = profile_get(&p->caps, c);
	int count = c == PROFILE_MAX_QOS || c == PROFILE_MAX_CLIENT_ID || c == PROFILE_RECEIVE_MAX ||
		    c == PROFILE_MAX_PACKET || c == PROFILE_ALIAS_MAX || c == PROFILE_KEEP_ALIVE;
	if (v < 0)
		snprintf(buf, n, "unknown");
	else if (c == PROFILE_MAX_PACKET && v == PROFILE_NO_LIMIT)
		snprintf(buf, n, "none");
	else if (count)
		snprintf(buf, n, "%ld", v);
	else
		snprintf(buf, n, "%s", v ? "yes" : "no");
}
