/*
 * mqtt_prop_table.c - the 27 properties of 5.0 (Table 2-4 and the sections
 * of each packet), and the look-ups over them (see mqtt_prop.h).
 *
 * Our own clause ids number the rules of one section in the order its text
 * states them: where one sentence forbids a repeat and a value ("more than
 * once, or a value other than 0 or 1"), the repeat is -1 and the value -2.
 * A place whose section says nothing of repeats has no `repeated` clause:
 * the codec does not invent the rule there.
 */
#include "codec/mqtt_prop.h"

#include <string.h>

#define OWN(sec, n) "MQTTSPEC-" sec "-" #n
/* Allowed there; neither a repeat nor the value is a rule of that section. */
#define IN(t, sec) [t] = {sec, NULL, NULL}
/* Allowed once: its n-th own rule of the section forbids a repeat. */
#define ONCE(t, sec, n) [t] = {sec, OWN(sec, n), NULL}
/* Allowed once, and a value outside lo..hi breaks clause `vc`. */
#define ONCE_V(t, sec, n, vc) [t] = {sec, OWN(sec, n), vc}
#define WILL MQTT_PROP_WILL
#define R(t) MQTT_PROP_AT(t)
#define VBI_MAX 268435455u

#define ROW(i, nm, k, ty, rep, l, h, abs, ...) \
	{i, nm, k, MQTT_PROP_##ty, rep, l, h, abs, {__VA_ARGS__}}

static const struct mqtt_prop_def table[] = {
	ROW(0x01, "Payload Format Indicator", "payload_format_indicator", BYTE,
	    0, 0, 1, "0 (unspecified bytes)",
	    [MQTT_PUBLISH] = {"3.3.2.3.2", NULL, OWN("3.3.2.3.2", 1)},
	    [WILL] = {"3.1.3.2.3", OWN("3.1.3.2.3", 2), OWN("3.1.3.2.3", 1)}),
	ROW(0x02, "Message Expiry Interval", "message_expiry_interval", U32, 0,
	    0, 0xFFFFFFFFu, "none (the message does not expire)",
	    IN(MQTT_PUBLISH, "3.3.2.3.3"), ONCE(WILL, "3.1.3.2.4", 1)),
	ROW(0x03, "Content Type", "content_type", STR, 0, 0, 0, "none",
	    ONCE(MQTT_PUBLISH, "3.3.2.3.9", 1), ONCE(WILL, "3.1.3.2.5", 1)),
	ROW(0x08, "Response Topic", "response_topic", STR, 0, 0, 0,
	    "none (not a request)", ONCE(MQTT_PUBLISH, "3.3.2.3.5", 1),
	    ONCE(WILL, "3.1.3.2.6", 1)),
	ROW(0x09, "Correlation Data", "correlation_data", BIN, 0, 0, 0, "none",
	    ONCE(MQTT_PUBLISH, "3.3.2.3.6", 1), ONCE(WILL, "3.1.3.2.7", 1)),
	/* PUBLISH carries one per matching subscription; SUBSCRIBE one. */
	ROW(0x0B, "Subscription Identifier", "subscription_identifier", VBI,
	    R(MQTT_PUBLISH), 1, VBI_MAX, "none",
	    [MQTT_PUBLISH] = {"3.3.2.3.8", NULL, OWN("3.3.2.3.8", 1)},
	    [MQTT_SUBSCRIBE] = {"3.8.2.1.2", OWN("3.8.2.1.2", 2),
				OWN("3.8.2.1.2", 1)}),
	ROW(0x11, "Session Expiry Interval", "session_expiry_interval", U32, 0,
	    0, 0xFFFFFFFFu, "0 (in DISCONNECT: the value of the CONNECT)",
	    ONCE(MQTT_CONNECT, "3.1.2.11.2", 1),
	    ONCE(MQTT_CONNACK, "3.2.2.3.2", 1),
	    ONCE(MQTT_DISCONNECT, "3.14.2.2.2", 1)),
	ROW(0x12, "Assigned Client Identifier", "assigned_client_identifier",
	    STR, 0, 0, 0, "none (the client's own id)",
	    ONCE(MQTT_CONNACK, "3.2.2.3.7", 1)),
	ROW(0x13, "Server Keep Alive", "server_keep_alive", U16, 0, 0, 65535,
	    "none (the client's Keep Alive holds)",
	    ONCE(MQTT_CONNACK, "3.2.2.3.14", 1)),
	ROW(0x15, "Authentication Method", "authentication_method", STR, 0, 0,
	    0, "none (no extended authentication)",
	    ONCE(MQTT_CONNECT, "3.1.2.11.9", 1),
	    ONCE(MQTT_CONNACK, "3.2.2.3.17", 1),
	    ONCE(MQTT_AUTH, "3.15.2.2.2", 1)),
	/* In CONNECT, rule 1 of the section is Data without a Method. */
	ROW(0x16, "Authentication Data", "authentication_data", BIN, 0, 0, 0,
	    "none", ONCE(MQTT_CONNECT, "3.1.2.11.10", 2),
	    ONCE(MQTT_CONNACK, "3.2.2.3.18", 1),
	    ONCE(MQTT_AUTH, "3.15.2.2.3", 1)),
	ROW(0x17, "Request Problem Information", "request_problem_information",
	    BYTE, 0, 0, 1, "1",
	    ONCE_V(MQTT_CONNECT, "3.1.2.11.7", 1, OWN("3.1.2.11.7", 2))),
	ROW(0x18, "Will Delay Interval", "will_delay_interval", U32, 0, 0,
	    0xFFFFFFFFu, "0 (no delay)", ONCE(WILL, "3.1.3.2.2", 1)),
	ROW(0x19, "Request Response Information",
	    "request_response_information", BYTE, 0, 0, 1, "0",
	    ONCE_V(MQTT_CONNECT, "3.1.2.11.6", 1, OWN("3.1.2.11.6", 2))),
	ROW(0x1A, "Response Information", "response_information", STR, 0, 0, 0,
	    "none", ONCE(MQTT_CONNACK, "3.2.2.3.15", 1)),
	ROW(0x1C, "Server Reference", "server_reference", STR, 0, 0, 0, "none",
	    ONCE(MQTT_CONNACK, "3.2.2.3.16", 1),
	    ONCE(MQTT_DISCONNECT, "3.14.2.2.5", 1)),
	ROW(0x1F, "Reason String", "reason_string", STR, 0, 0, 0, "none",
	    ONCE(MQTT_CONNACK, "3.2.2.3.9", 1),
	    ONCE(MQTT_PUBACK, "3.4.2.2.2", 1),
	    ONCE(MQTT_PUBREC, "3.5.2.2.2", 1),
	    ONCE(MQTT_PUBREL, "3.6.2.2.2", 1),
	    ONCE(MQTT_PUBCOMP, "3.7.2.2.2", 1),
	    ONCE(MQTT_SUBACK, "3.9.2.1.2", 1),
	    ONCE(MQTT_UNSUBACK, "3.11.2.1.2", 1),
	    ONCE(MQTT_DISCONNECT, "3.14.2.2.3", 1),
	    ONCE(MQTT_AUTH, "3.15.2.2.4", 1)),
	ROW(0x21, "Receive Maximum", "receive_maximum", U16, 0, 1, 65535,
	    "65535",
	    ONCE_V(MQTT_CONNECT, "3.1.2.11.3", 1, OWN("3.1.2.11.3", 2)),
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.3", 1, OWN("3.2.2.3.3", 2))),
	ROW(0x22, "Topic Alias Maximum", "topic_alias_maximum", U16, 0, 0,
	    65535, "0 (no topic aliases)",
	    ONCE(MQTT_CONNECT, "3.1.2.11.5", 1),
	    ONCE(MQTT_CONNACK, "3.2.2.3.8", 1)),
	ROW(0x23, "Topic Alias", "topic_alias", U16, 0, 1, 65535, "none",
	    ONCE_V(MQTT_PUBLISH, "3.3.2.3.4", 1, "MQTT-3.3.2-8")),
	ROW(0x24, "Maximum QoS", "maximum_qos", BYTE, 0, 0, 1, "2",
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.4", 1, OWN("3.2.2.3.4", 2))),
	ROW(0x25, "Retain Available", "retain_available", BYTE, 0, 0, 1, "1",
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.5", 1, OWN("3.2.2.3.5", 2))),
	ROW(0x26, "User Property", "user_property", PAIR,
	    R(MQTT_CONNECT) | R(MQTT_CONNACK) | R(MQTT_PUBLISH) | R(WILL) |
		    R(MQTT_PUBACK) | R(MQTT_PUBREC) | R(MQTT_PUBREL) |
		    R(MQTT_PUBCOMP) | R(MQTT_SUBSCRIBE) | R(MQTT_SUBACK) |
		    R(MQTT_UNSUBSCRIBE) | R(MQTT_UNSUBACK) |
		    R(MQTT_DISCONNECT) | R(MQTT_AUTH),
	    0, 0, "none",
	    IN(MQTT_CONNECT, "3.1.2.11.8"), IN(MQTT_CONNACK, "3.2.2.3.10"),
	    IN(MQTT_PUBLISH, "3.3.2.3.7"), IN(WILL, "3.1.3.2.8"),
	    IN(MQTT_PUBACK, "3.4.2.2.3"), IN(MQTT_PUBREC, "3.5.2.2.3"),
	    IN(MQTT_PUBREL, "3.6.2.2.3"), IN(MQTT_PUBCOMP, "3.7.2.2.3"),
	    IN(MQTT_SUBSCRIBE, "3.8.2.1.3"), IN(MQTT_SUBACK, "3.9.2.1.3"),
	    IN(MQTT_UNSUBSCRIBE, "3.10.2.1.2"),
	    IN(MQTT_UNSUBACK, "3.11.2.1.3"),
	    IN(MQTT_DISCONNECT, "3.14.2.2.4"), IN(MQTT_AUTH, "3.15.2.2.5")),
	ROW(0x27, "Maximum Packet Size", "maximum_packet_size", U32, 0, 1,
	    0xFFFFFFFFu, "none (no limit but the protocol's)",
	    ONCE_V(MQTT_CONNECT, "3.1.2.11.4", 1, OWN("3.1.2.11.4", 2)),
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.6", 1, OWN("3.2.2.3.6", 2))),
	ROW(0x28, "Wildcard Subscription Available",
	    "wildcard_subscription_available", BYTE, 0, 0, 1, "1",
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.11", 1, OWN("3.2.2.3.11", 2))),
	ROW(0x29, "Subscription Identifier Available",
	    "subscription_identifier_available", BYTE, 0, 0, 1, "1",
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.12", 1, OWN("3.2.2.3.12", 2))),
	ROW(0x2A, "Shared Subscription Available",
	    "shared_subscription_available", BYTE, 0, 0, 1, "1",
	    ONCE_V(MQTT_CONNACK, "3.2.2.3.13", 1, OWN("3.2.2.3.13", 2))),
};

#define COUNT (sizeof table / sizeof table[0])

const struct mqtt_prop_def *mqtt_prop_get(uint32_t id)
{
	for (size_t i = 0; i < COUNT; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

const struct mqtt_prop_def *mqtt_prop_find(const char *key)
{
	for (size_t i = 0; key != NULL && i < COUNT; i++)
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
	return NULL;
}

const struct mqtt_prop_def *mqtt_prop_at(size_t i)
{
	return i < COUNT ? &table[i] : NULL;
}

size_t mqtt_prop_count(void)
{
	return COUNT;
}

const char *mqtt_prop_type_name(enum mqtt_prop_type t)
{
	switch (t) {
	case MQTT_PROP_BYTE:
		return "Byte";
	case MQTT_PROP_U16:
		return "Two Byte Integer";
	case MQTT_PROP_U32:
		return "Four Byte Integer";
	case MQTT_PROP_VBI:
		return "Variable Byte Integer";
	case MQTT_PROP_STR:
		return "UTF-8 Encoded String";
	case MQTT_PROP_BIN:
		return "Binary Data";
	case MQTT_PROP_PAIR:
		return "UTF-8 String Pair";
	}
	return "unknown";
}

bool mqtt_prop_allowed(const struct mqtt_prop_def *def, unsigned place)
{
	return def != NULL && place < MQTT_PROP_PLACES &&
	       def->at[place].section != NULL;
}

bool mqtt_prop_may_repeat(const struct mqtt_prop_def *def, unsigned place)
{
	return mqtt_prop_allowed(def, place) &&
	       (def->repeats & MQTT_PROP_AT(place)) != 0;
}

const char *mqtt_prop_clause(enum mqtt_rule rule, unsigned place, uint32_t id)
{
	const struct mqtt_prop_def *def = mqtt_prop_get(id);
	if (!mqtt_prop_allowed(def, place))
		return NULL;
	if (rule == MQTT_RULE_PROP_REPEATED)
		return def->at[place].repeated;
	if (rule == MQTT_RULE_PROP_VALUE)
		return def->at[place].value;
	return NULL;
}

/* Per packet: the clauses of its Reason String and its User Property
 * (sections 3.x.2.2 and 3.x.2.1 of each). */
static const struct {
	unsigned place;
	const char *reason_string, *user_property;
} size_rules[] = {
	{MQTT_CONNACK, "MQTT-3.2.2-19", "MQTT-3.2.2-20"},     {MQTT_PUBACK, "MQTT-3.4.2-2", "MQTT-3.4.2-3"},
	{MQTT_PUBREC, "MQTT-3.5.2-2", "MQTT-3.5.2-3"},	      {MQTT_PUBREL, "MQTT-3.6.2-2", "MQTT-3.6.2-3"},
	{MQTT_PUBCOMP, "MQTT-3.7.2-2", "MQTT-3.7.2-3"},	      {MQTT_SUBACK, "MQTT-3.9.2-1", "MQTT-3.9.2-2"},
	{MQTT_UNSUBACK, "MQTT-3.11.2-1", "MQTT-3.11.2-2"},    {MQTT_DISCONNECT, "MQTT-3.14.2-3", "MQTT-3.14.2-4"},
	{MQTT_AUTH, "MQTT-3.15.2-2", "MQTT-3.15.2-3"},
};

const char *mqtt_prop_size_clause(unsigned place, uint32_t id)
{
	for (size_t i = 0; i < sizeof size_rules / sizeof size_rules[0]; i++)
		if (size_rules[i].place == place)
			return id == 0x1F ? size_rules[i].reason_string
			       : id == 0x26 ? size_rules[i].user_property
					    : NULL;
	return NULL;
}

const char *mqtt_prop_place_name(unsigned place)
{
	if (place == MQTT_PROP_WILL)
		return "Will Properties";
	if (place == MQTT_AUTH)
		return "AUTH";
	return place < MQTT_PROP_PLACES ? mqtt_type_name((enum mqtt_type)place)
					: "UNKNOWN";
}
