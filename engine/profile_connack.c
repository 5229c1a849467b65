/* profile_connack.c - 5.0's capabilities, as the pre-flight's CONNACK
 * announces them. A property left out stands for the spec's default (the
 * codec's table says which), and the source says which of the two it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_prop.h"
#include "engine/profile_probe.h"

/* Each capability and the CONNACK property that announces it (by the key
 * of the codec's property table). */
static const struct {
	const char *key;
	enum profile_cap cap;
} announced_by[] = {
	{"maximum_qos", PROFILE_MAX_QOS},
	{"retain_available", PROFILE_RETAIN},
	{"wildcard_subscription_available", PROFILE_WILDCARDS},
	{"subscription_identifier_available", PROFILE_SUB_IDS},
	{"shared_subscription_available", PROFILE_SHARED},
	{"receive_maximum", PROFILE_RECEIVE_MAX},
	{"maximum_packet_size", PROFILE_MAX_PACKET},
	{"topic_alias_maximum", PROFILE_ALIAS_MAX},
	{"server_keep_alive", PROFILE_KEEP_ALIVE},
	{"assigned_client_identifier", PROFILE_ASSIGNED_ID},
};

static const struct mqtt_prop *find_prop(const struct mqtt_props *ps, uint32_t id)
{
	for (size_t i = 0; i < ps->count; i++)
		if (ps->items[i].id == id)
			return &ps->items[i];
	return NULL;
}

/* The value absence stands for: the number the table's text begins with,
 * else no limit (Maximum Packet Size) or no id assigned. */
static long absent_value(const struct mqtt_prop_def *d, enum profile_cap cap)
{
	if (d->absent[0] >= '0' && d->absent[0] <= '9')
		return strtol(d->absent, NULL, 10);
	return cap == PROFILE_MAX_PACKET ? PROFILE_NO_LIMIT : 0;
}

void profile_connack_packet(struct profile *p, const struct mqtt_packet *a, uint16_t keep_alive)
{
	for (size_t i = 0; i < sizeof announced_by / sizeof announced_by[0]; i++) {
		enum profile_cap cap = announced_by[i].cap;
		const struct mqtt_prop_def *d = mqtt_prop_find(announced_by[i].key);
		if (!d)
			continue;
		const struct mqtt_prop *pr = find_prop(&a->props, d->id);
		char *src = p->source[cap];
		size_t n = sizeof p->source[cap];
		if (pr && cap == PROFILE_ASSIGNED_ID) {
			profile_set(&p->caps, cap, 1);
			snprintf(src, n, "announced: %s \"%.*s\" in CONNACK", d->name, (int)(pr->str.s.n > 40 ? 40 : pr->str.s.n),
				 (const char *)pr->str.s.p);
		} else if (pr) {
			profile_set(&p->caps, cap, (long)pr->num);
			snprintf(src, n, "announced: %s %lu in CONNACK", d->name, (unsigned long)pr->num);
		} else if (cap == PROFILE_KEEP_ALIVE) {
			profile_set(&p->caps, cap, keep_alive);
			snprintf(src, n, "default: no %s in CONNACK, so the CONNECT's %u s holds", d->name, keep_alive);
		} else {
			profile_set(&p->caps, cap, absent_value(d, cap));
			snprintf(src, n, "default: no %s in CONNACK, so %s", d->name, d->absent);
		}
	}
}

void profile_connack(struct profile *p, const uint8_t *rx, size_t n, uint16_t keep_alive)
{
	struct mqtt_packet a;
	struct mqtt_diag d;
	memset(&d, 0, sizeof d);
	if (mqtt_decode(MQTT_V5, rx, n, &a, &d) < 0 || a.type != MQTT_CONNACK) {
		for (int k = 0; k < PROFILE_NCAPS; k++)
			snprintf(p->source[k], sizeof p->source[k], "unknown: the CONNACK does not decode in 5.0 (%s)", d.msg);
		return;
	}
	profile_connack_packet(p, &a, keep_alive);
}
