/* engine_monitor_limits.c - the 5.0 limits a client sets in CONNECT and a
 * broker must keep on every packet it sends that client: Maximum Packet
 * Size, Receive Maximum, Topic Alias Maximum (engine_monitor.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_prop.h"
#include "codec/mqtt_rule.h"
#include "engine/engine_monitor_int.h"
#include "util/alloc.h"

/* The value of the property keyed `key` in ps, or -1 when absent. */
static long prop_num(const struct mqtt_props *ps, const char *key)
{
	const struct mqtt_prop *p = mqtt_props_get(ps, key);
	return p ? (long)p->num : -1;
}

void mon_limits_connect(struct mon_link *l, const struct mqtt_packet *p)
{
	long mp = prop_num(&p->props, "maximum_packet_size");
	long rm = prop_num(&p->props, "receive_maximum");
	long am = prop_num(&p->props, "topic_alias_maximum");
	/* Absent: no limit but the protocol's, 65535, no aliases (spec 3.1.2.11). */
	l->max_packet = mp > 0 ? mp : 0;
	l->receive_max = rm > 0 ? rm : 65535;
	l->alias_max = am > 0 ? am : 0;
	l->auth = mqtt_props_get(&p->props, "authentication_method") != NULL;
	l->no_problems = prop_num(&p->props, "request_problem_information") == 0;
}

static int unacked_find(const struct mon_link *l, uint16_t id)
{
	for (size_t i = 0; i < l->nunacked; i++)
		if (l->unacked[i] == id)
			return (int)i;
	return -1;
}

void mon_limits_tx(struct mon_link *l, const struct mqtt_packet *p)
{
	/* A PUBREC of 0x80 or more ends the exchange; a good one leaves the
	 * message counted until its PUBCOMP. */
	int acked = p->type == MQTT_PUBACK || p->type == MQTT_PUBCOMP ||
		    (p->type == MQTT_PUBREC && p->has_reason_code && p->reason_code >= 0x80);
	int i = acked && p->has_packet_id ? unacked_find(l, p->packet_id) : -1;
	if (i >= 0)
		l->unacked[i] = l->unacked[--l->nunacked];
}

static const char *rule(enum mqtt_rule r)
{
	return mqtt_rule_clause(MQTT_V5, r);
}

static const char *rx_alias(const struct mon_link *l, const struct mqtt_packet *p, char *what, size_t n)
{
	long alias = prop_num(&p->props, "topic_alias");
	if (alias < 0)
		return NULL;
	if (alias == 0) {
		snprintf(what, n, "PUBLISH with Topic Alias 0");
		return rule(MQTT_RULE_TOPIC_ALIAS_ZERO);
	}
	if (l->alias_max == 0) {
		snprintf(what, n, "PUBLISH with Topic Alias %ld; the client's CONNECT allowed no topic aliases", alias);
		return rule(MQTT_RULE_TOPIC_ALIAS_NONE);
	}
	if (alias > l->alias_max) {
		snprintf(what, n, "PUBLISH with Topic Alias %ld; the client's Topic Alias Maximum is %ld", alias,
			 l->alias_max);
		return rule(MQTT_RULE_TOPIC_ALIAS_MAX);
	}
	return NULL;
}

/* A QoS 1/2 PUBLISH is one more unacknowledged, unless it resends one
 * (the same id, not yet acknowledged). */
static const char *rx_quota(struct mon_link *l, const struct mqtt_packet *p, char *what, size_t n)
{
	int qos = (p->flags >> MQTT_PF_QOS_SHIFT) & 3;
	if (qos == 0 || !p->has_packet_id || unacked_find(l, p->packet_id) >= 0)
		return NULL;
	l->unacked = alloc_resize(l->unacked, (l->nunacked + 1) * sizeof *l->unacked);
	l->unacked[l->nunacked++] = p->packet_id;
	if ((long)l->nunacked <= l->receive_max)
		return NULL;
	snprintf(what, n, "a QoS %d PUBLISH (id %u) while %zu are unacknowledged; the client's Receive Maximum is %ld",
		 qos, p->packet_id, l->nunacked - 1, l->receive_max);
	return rule(MQTT_RULE_RECEIVE_MAX);
}

/* The bytes the properties `id` of p take on the wire. */
static unsigned long prop_bytes(const struct mqtt_packet *p, uint32_t id)
{
	struct mqtt_props one = {.present = true, .len_override = -1, .count = 1};
	unsigned long sum = 0;
	for (size_t i = 0; i < p->props.count; i++) {
		if (p->props.items[i].id != id)
			continue;
		one.items[0] = p->props.items[i];
		int b = mqtt_props_length(&one);
		sum += b > 0 ? (unsigned long)b : 0;
	}
	return sum;
}

/* A packet over the client's Maximum Packet Size. Where leaving out its
 * Reason String or User Properties would have made it fit, the packet's
 * own rule for that property is what broke; else the general limit. */
static const char *oversize(const struct mon_link *l, const struct mqtt_packet *p, unsigned long size, char *what,
			    size_t n)
{
	unsigned long max = (unsigned long)l->max_packet, rs = prop_bytes(p, 0x1F), up = prop_bytes(p, 0x26);
	const char *c = NULL, *left = "";
	if (rs && size - rs <= max)
		c = mqtt_prop_size_clause(p->type, 0x1F), left = "; it would fit without its Reason String";
	else if (up && size - up <= max)
		c = mqtt_prop_size_clause(p->type, 0x26), left = "; it would fit without its User Properties";
	else if (rs && up && size - rs - up <= max)
		c = mqtt_prop_size_clause(p->type, 0x1F),
		left = "; it would fit without its Reason String and User Properties";
	snprintf(what, n, "%s of %lu bytes; the client's Maximum Packet Size is %ld%s", mqtt_type_name(p->type), size,
		 l->max_packet, c ? left : "");
	return c ? c : rule(MQTT_RULE_PACKET_SIZE_MAX);
}

/* Request Problem Information 0: a Reason String or User Property only on
 * PUBLISH, CONNACK and DISCONNECT (3.1.2.11.7). */
static const char *problem_info(const struct mqtt_packet *p, char *what, size_t n)
{
	if (p->type == MQTT_PUBLISH || p->type == MQTT_CONNACK || p->type == MQTT_DISCONNECT)
		return NULL;
	const char *has = mqtt_props_get(&p->props, "reason_string")   ? "a Reason String"
			  : mqtt_props_get(&p->props, "user_property") ? "a User Property"
								       : NULL;
	if (!has)
		return NULL;
	snprintf(what, n, "%s with %s; the client's CONNECT set Request Problem Information 0", mqtt_type_name(p->type),
		 has);
	return rule(MQTT_RULE_PROBLEM_INFO);
}

const char *mon_limits_rx(struct mon_link *l, const struct mqtt_packet *p, char *what, size_t n)
{
	if (l->version != MQTT_V5)
		return NULL;
	unsigned long size = 1ul + p->rl_bytes + p->remaining_length;
	const char *r = NULL;
	if (l->max_packet && size > (unsigned long)l->max_packet)
		r = oversize(l, p, size, what, n);
	else if (l->no_problems)
		r = problem_info(p, what, n);
	if (p->type != MQTT_PUBLISH)
		return r;
	/* The quota counts every PUBLISH, whatever else it breaks. */
	char w2[300];
	const char *q = rx_quota(l, p, w2, sizeof w2);
	if (!r)
		r = rx_alias(l, p, what, n);
	if (!r && q) {
		snprintf(what, n, "%s", w2);
		r = q;
	}
	return r;
}

int mon_limits_topic(struct mon_link *l, const struct mqtt_packet *p, struct mqtt_slice *topic)
{
	*topic = p->topic.s;
	long a = l->version == MQTT_V5 ? prop_num(&p->props, "topic_alias") : -1;
	if (a < 1)
		return 1;
	if (!topic->n)
		return (size_t)a <= l->naliases && l->aliases[a - 1].p ? (*topic = l->aliases[a - 1], 1) : 0;
	if ((size_t)a > l->naliases) {
		l->aliases = alloc_resize(l->aliases, (size_t)a * sizeof *l->aliases);
		memset(l->aliases + l->naliases, 0, ((size_t)a - l->naliases) * sizeof *l->aliases);
		l->naliases = (size_t)a;
	}
	struct mqtt_slice *s = &l->aliases[a - 1];
	free((void *)s->p);
	uint8_t *copy = alloc_bytes(topic->n);
	memcpy(copy, topic->p, topic->n);
	s->p = copy;
	s->n = topic->n;
	return 1;
}

void mon_limits_free(struct mon_link *l)
{
	free(l->unacked);
	l->unacked = NULL;
	l->nunacked = 0;
	for (size_t i = 0; i < l->naliases; i++)
		free((void *)l->aliases[i].p);
	free(l->aliases);
	l->aliases = NULL;
	l->naliases = 0;
}
