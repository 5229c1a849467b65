/*
 * mqtt_field_table.c - the field table (see mqtt_field_table.h).
 *
 * Rows sit at the index of their id, so a look-up by id is an index; a unit
 * test holds every row to it. Where 5.0 names or shapes a field otherwise
 * (Clean Start, reason codes, subscription options), the 3.1.1 row has the
 * 3.1.1 bit only and 5.0 gets a row of its own.
 */
#include "codec/mqtt_field_table.h"

#include <string.h>

#define T(x) (1u << MQTT_##x)
#define ALL_TYPES 0xFFFFu
#define PIDS                                                                   \
	(T(PUBLISH) | T(PUBACK) | T(PUBREC) | T(PUBREL) | T(PUBCOMP) |         \
	 T(SUBSCRIBE) | T(SUBACK) | T(UNSUBSCRIBE) | T(UNSUBACK))
#define V311 MQTT_FIELD_V(MQTT_V311)
#define V5 MQTT_FIELD_V(MQTT_V5)
#define REASONS                                                                \
	(T(CONNACK) | T(PUBACK) | T(PUBREC) | T(PUBREL) | T(PUBCOMP) |         \
	 T(DISCONNECT) | T(AUTH))

#define BOTH (MQTT_FIELD_V(MQTT_V311) | MQTT_FIELD_V(MQTT_V5))
#define TOP MQTT_FIELD_NONE
#define K(x) MQTT_FIELD_KIND_##x
#define ROW(id, parent, key, label, tag, types, versions, kind, lo, hi)       \
	[MQTT_FIELD_##id] = {MQTT_FIELD_##id, parent, key, label, tag, types,   \
			     versions, K(kind), lo, hi}

static const struct mqtt_field_def table[MQTT_FIELD_COUNT] = {
	/* The fixed header, and what the encoder can make of it. */
	ROW(TYPE, TOP, "type", "packet type", NULL, ALL_TYPES, BOTH, TYPE, 0, 15),
	ROW(FLAGS, TOP, "flags", "flags", "flags", ALL_TYPES, BOTH, INT, 0, 15),
	ROW(DUP, TOP, "dup", "DUP", "dup", T(PUBLISH), BOTH, INT, 0, 1),
	ROW(QOS, TOP, "qos", "QoS", "qos", T(PUBLISH), BOTH, INT, 0, 3),
	ROW(RETAIN, TOP, "retain", "RETAIN", "retain", T(PUBLISH), BOTH, INT, 0, 1),
	ROW(REMAINING_LENGTH, TOP, "remaining_length", "remaining length", NULL,
	    ALL_TYPES, BOTH, INT, 0, 4294967295L),
	ROW(REMAINING_LENGTH_BYTES, TOP, "remaining_length_bytes",
	    "remaining length bytes", NULL, ALL_TYPES, BOTH, INT, 1, 5),
	ROW(EXTRA, TOP, "extra", "extra bytes", "extra", ALL_TYPES, BOTH, HEX, 0, 0),
	/* CONNECT */
	ROW(PROTOCOL_NAME, TOP, "protocol_name", "protocol name", "proto",
	    T(CONNECT), BOTH, STR, 0, 0),
	ROW(PROTOCOL_LEVEL, TOP, "protocol_level", "protocol level", "level",
	    T(CONNECT), BOTH, INT, 0, 255),
	ROW(CONNECT_FLAGS, TOP, "connect_flags", "connect flags", "flags",
	    T(CONNECT), BOTH, INT, 0, 255),
	ROW(CLEAN_SESSION, TOP, "clean_session", "clean session", NULL,
	    T(CONNECT), V311, BOOL, 0, 1),
	ROW(KEEP_ALIVE, TOP, "keep_alive", "keep alive", "ka", T(CONNECT), BOTH,
	    INT, 0, 65535),
	ROW(CLIENT_ID, TOP, "client_id", "client id", "id", T(CONNECT), BOTH,
	    STR, 0, 0),
	ROW(WILL, TOP, "will", "will", "will", T(CONNECT), BOTH, WILL, 0, 0),
	ROW(WILL_TOPIC, MQTT_FIELD_WILL, "topic", "will topic", NULL, T(CONNECT),
	    BOTH, STR, 0, 0),
	ROW(WILL_MESSAGE, MQTT_FIELD_WILL, "message", "will message", NULL,
	    T(CONNECT), BOTH, BIN, 0, 0),
	ROW(WILL_QOS, MQTT_FIELD_WILL, "qos", "will QoS", NULL, T(CONNECT), BOTH,
	    INT, 0, 3),
	ROW(WILL_RETAIN, MQTT_FIELD_WILL, "retain", "will retain", NULL,
	    T(CONNECT), BOTH, INT, 0, 1),
	ROW(USERNAME, TOP, "username", "user name", "user", T(CONNECT), BOTH,
	    STR, 0, 0),
	ROW(PASSWORD, TOP, "password", "password", "pass", T(CONNECT), BOTH,
	    BIN, 0, 0),
	/* CONNACK */
	ROW(SESSION_PRESENT, TOP, "session_present", "session present", "sp",
	    T(CONNACK), BOTH, INT, 0, 1),
	ROW(ACK_FLAGS, TOP, "ack_flags", "acknowledge flags", "ack_flags",
	    T(CONNACK), BOTH, INT, 0, 255),
	ROW(RETURN_CODE, TOP, "return_code", "return code", "rc", T(CONNACK),
	    V311, INT, 0, 255),
	/* PUBLISH, and the packet id of every type that has one */
	ROW(TOPIC, TOP, "topic", "topic name", "topic", T(PUBLISH), BOTH, STR,
	    0, 0),
	ROW(PAYLOAD, TOP, "payload", "payload", "payload", T(PUBLISH), BOTH,
	    BYTES, 0, 0),
	ROW(PACKET_ID, TOP, "packet_id", "packet id", "id", PIDS, BOTH, INT, 0,
	    65535),
	/* SUBSCRIBE, UNSUBSCRIBE, SUBACK */
	ROW(TOPICS, TOP, "topics", "topic filters", "filters",
	    T(SUBSCRIBE) | T(UNSUBSCRIBE), BOTH, TOPICS, 0, 0),
	ROW(FILTER, MQTT_FIELD_TOPICS, "filter", "topic filter", NULL,
	    T(SUBSCRIBE) | T(UNSUBSCRIBE), BOTH, STR, 0, 0),
	/* The whole byte, reserved bits included: a case can set them. */
	ROW(REQUESTED_QOS, MQTT_FIELD_TOPICS, "qos", "requested QoS", "q",
	    T(SUBSCRIBE), V311, INT, 0, 255),
	ROW(RETURN_CODES, TOP, "return_codes", "return codes", "codes",
	    T(SUBACK), V311, CODES, 0, 0),
	ROW(SUBACK_CODE, MQTT_FIELD_RETURN_CODES, NULL, "return code", NULL,
	    T(SUBACK), V311, INT, 0, 255),
	/* What a reserved type carries: no layout, only bytes. */
	ROW(BODY, TOP, "body", "body", "body", T(RESERVED0) | T(RESERVED15),
	    BOTH, BYTES, 0, 0),
	/* 5.0: the CONNECT flag bit 1 renamed, the reason code of CONNACK
	 * (return_code's byte) and of the acks, DISCONNECT and AUTH. */
	ROW(CLEAN_START, TOP, "clean_start", "clean start", NULL, T(CONNECT), V5,
	    BOOL, 0, 1),
	ROW(REASON_CODE, TOP, "reason_code", "reason code", "rc", REASONS, V5,
	    INT, 0, 255),
	/* The Subscription Options byte whole (reserved bits included) and
	 * its parts (3.8.3.1). */
	ROW(SUB_OPTIONS, MQTT_FIELD_TOPICS, "options", "subscription options",
	    "o", T(SUBSCRIBE), V5, INT, 0, 255),
	ROW(SUB_MAX_QOS, MQTT_FIELD_TOPICS, "qos", "maximum QoS", NULL,
	    T(SUBSCRIBE), V5, INT, 0, 3),
	ROW(NO_LOCAL, MQTT_FIELD_TOPICS, "no_local", "no local", NULL,
	    T(SUBSCRIBE), V5, INT, 0, 1),
	ROW(RETAIN_AS_PUBLISHED, MQTT_FIELD_TOPICS, "retain_as_published",
	    "retain as published", NULL, T(SUBSCRIBE), V5, INT, 0, 1),
	ROW(RETAIN_HANDLING, MQTT_FIELD_TOPICS, "retain_handling",
	    "retain handling", NULL, T(SUBSCRIBE), V5, INT, 0, 3),
	ROW(REASON_CODES, TOP, "reason_codes", "reason codes", "codes",
	    T(SUBACK) | T(UNSUBACK), V5, CODES, 0, 0),
	ROW(REASON_CODES_ENTRY, MQTT_FIELD_REASON_CODES, NULL, "reason code",
	    NULL, T(SUBACK) | T(UNSUBACK), V5, INT, 0, 255),
};

const struct mqtt_field_def *mqtt_field_get(enum mqtt_field_id id)
{
	if (id <= MQTT_FIELD_NONE || id >= MQTT_FIELD_COUNT)
		return NULL;
	return &table[id];
}

const char *mqtt_field_label(enum mqtt_field_id id)
{
	const struct mqtt_field_def *f = mqtt_field_get(id);
	return f ? f->label : "";
}

const struct mqtt_field_def *mqtt_field_find(enum mqtt_version v,
					     enum mqtt_field_id parent,
					     const char *key)
{
	for (int i = MQTT_FIELD_NONE + 1; i < MQTT_FIELD_COUNT; i++) {
		const struct mqtt_field_def *f = &table[i];
		if (f->parent == parent && f->key && strcmp(f->key, key) == 0 &&
		    (f->versions & MQTT_FIELD_V(v)))
			return f;
	}
	return NULL;
}

bool mqtt_field_in(const struct mqtt_field_def *f, enum mqtt_version v,
		   enum mqtt_type t)
{
	return (f->versions & MQTT_FIELD_V(v)) && (f->types & (1u << t));
}
