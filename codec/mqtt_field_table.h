/*
 * mqtt_field_table.h - the fields of a packet, once.
 *
 * A row per field of the packet model (codec/mqtt.h): its JSON key (how a
 * case names it), the label a reader is shown, the packet types and the
 * protocol versions that have it, the kind of its value and the range of an
 * integer. The case loader validates, the packet builder builds and the
 * matcher matches by these rows; the field walk (mqtt_fields.h) and the
 * one-line print (mqtt_print.h) name fields by them. So a field is added, or
 * its name or range changed, in one row.
 *
 * Parts of a field are rows of their own whose `parent` is the field: the
 * will's topic and message, a topic filter and its requested QoS, one
 * SUBACK return code. A field of one protocol version only is a row with
 * only that version's bit; a field whose meaning or name changes between
 * versions is a row per version: keys are unique among one parent's rows of
 * one version.
 *
 * 5.0's property blocks are not rows: a property is described once, in the
 * property table (codec/mqtt_prop.h), with its key, type and places.
 *
 * Encoder overrides (remaining_length_bytes, extra) are rows too: they are
 * fields of struct mqtt_packet with a range the encoder defines, though a
 * decoded packet never carries them.
 */
#ifndef MQTT_FIELD_TABLE_H
#define MQTT_FIELD_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "codec/mqtt.h"

enum mqtt_field_id {
	MQTT_FIELD_NONE = 0, /* no field: the parent of a top-level field */
	MQTT_FIELD_TYPE,
	MQTT_FIELD_FLAGS,
	MQTT_FIELD_DUP,
	MQTT_FIELD_QOS,
	MQTT_FIELD_RETAIN,
	MQTT_FIELD_REMAINING_LENGTH,
	MQTT_FIELD_REMAINING_LENGTH_BYTES,
	MQTT_FIELD_EXTRA,
	MQTT_FIELD_PROTOCOL_NAME,
	MQTT_FIELD_PROTOCOL_LEVEL,
	MQTT_FIELD_CONNECT_FLAGS,
	MQTT_FIELD_CLEAN_SESSION,
	MQTT_FIELD_KEEP_ALIVE,
	MQTT_FIELD_CLIENT_ID,
	MQTT_FIELD_WILL,
	MQTT_FIELD_WILL_TOPIC,
	MQTT_FIELD_WILL_MESSAGE,
	MQTT_FIELD_WILL_QOS,
	MQTT_FIELD_WILL_RETAIN,
	MQTT_FIELD_USERNAME,
	MQTT_FIELD_PASSWORD,
	MQTT_FIELD_SESSION_PRESENT,
	MQTT_FIELD_ACK_FLAGS,
	MQTT_FIELD_RETURN_CODE,
	MQTT_FIELD_TOPIC,
	MQTT_FIELD_PAYLOAD,
	MQTT_FIELD_PACKET_ID,
	MQTT_FIELD_TOPICS,
	MQTT_FIELD_FILTER,
	MQTT_FIELD_REQUESTED_QOS,
	MQTT_FIELD_RETURN_CODES,
	MQTT_FIELD_SUBACK_CODE,
	MQTT_FIELD_BODY,
	/* 5.0 only */
	MQTT_FIELD_CLEAN_START,
	MQTT_FIELD_REASON_CODE,
	MQTT_FIELD_SUB_OPTIONS,	       /* the whole Subscription Options byte */
	MQTT_FIELD_SUB_MAX_QOS,
	MQTT_FIELD_NO_LOCAL,
	MQTT_FIELD_RETAIN_AS_PUBLISHED,
	MQTT_FIELD_RETAIN_HANDLING,
	MQTT_FIELD_REASON_CODES,       /* SUBACK and UNSUBACK */
	MQTT_FIELD_REASON_CODES_ENTRY,
	MQTT_FIELD_COUNT
};

enum mqtt_field_kind {
	MQTT_FIELD_KIND_TYPE,	/* a packet type, by name */
	MQTT_FIELD_KIND_INT,
	MQTT_FIELD_KIND_BOOL,
	MQTT_FIELD_KIND_STR,	/* length-prefixed UTF-8 text */
	MQTT_FIELD_KIND_BIN,	/* length-prefixed binary data */
	MQTT_FIELD_KIND_BYTES,	/* bytes without a length prefix: a payload */
	MQTT_FIELD_KIND_HEX,	/* bytes a case can only give as hex: extra */
	MQTT_FIELD_KIND_WILL,	/* an object: its parts are its child rows */
	MQTT_FIELD_KIND_TOPICS, /* a list of topic filters (child rows) */
	MQTT_FIELD_KIND_CODES	/* a list of codes (one child row) */
};

/* The bit of version `v` in a row's `versions`. */
#define MQTT_FIELD_V(v) (1u << (unsigned)(v))

struct mqtt_field_def {
	enum mqtt_field_id id;
	enum mqtt_field_id parent; /* MQTT_FIELD_NONE for a top-level field */
	const char *key;	   /* JSON key; NULL for a list's entry */
	const char *label;	   /* the name a reader is shown */
	const char *tag;	   /* its name in mqtt_print's line; NULL: not there */
	uint32_t types;		   /* bit (1 << mqtt_type) per type that has it */
	uint32_t versions;	   /* MQTT_FIELD_V(v) per version that has it */
	enum mqtt_field_kind kind;
	long lo, hi;		   /* the values an integer field can hold */
};

/* The row of `id`; NULL for MQTT_FIELD_NONE and values past the table. */
const struct mqtt_field_def *mqtt_field_get(enum mqtt_field_id id);

/* The label of `id` ("keep alive"); "" for no row. */
const char *mqtt_field_label(enum mqtt_field_id id);

/* The row keyed `key` among the rows of `parent` (MQTT_FIELD_NONE: the
 * top-level fields) that version `v` has; NULL if there is none. */
const struct mqtt_field_def *mqtt_field_find(enum mqtt_version v,
					     enum mqtt_field_id parent,
					     const char *key);

/* Whether a packet of type `t` in version `v` has the field. */
bool mqtt_field_in(const struct mqtt_field_def *f, enum mqtt_version v,
		   enum mqtt_type t);

#endif
