/*
 * fields5.h - the packet fields only a 5.0 case has: reason codes,
 * properties and their overrides, Clean Start, subscription options, and
 * the user-property patterns of matching (cases/README.md, "MQTT 5.0").
 *
 * What the codec's field table has a 5.0 row for (Clean Start, the reason
 * codes, the Subscription Options parts) takes its key, packet types and
 * range from that row; the property block (a list to send, a pattern to
 * match, its length overrides) and the user property patterns are the case
 * language's. What a property is (its id, wire type, range, default) comes
 * from the codec's property table (codec/mqtt_prop.h), never from a list of
 * ours.
 */
#ifndef FIELDS5_H
#define FIELDS5_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "codec/mqtt.h"
#include "codec/mqtt_field_table.h"
#include "util/arena.h"
#include "util/err.h"
#include "case/tmpl.h"

enum fields5_id {
	FIELDS5_CLEAN_START = 1,
	FIELDS5_REASON_CODE,
	FIELDS5_REASON_CODES,
	FIELDS5_PROPERTIES,
	FIELDS5_PROPERTIES_LENGTH,
	FIELDS5_PROPERTIES_LENGTH_BYTES,
	FIELDS5_USER_PROPERTIES,
	FIELDS5_USER_PROPERTIES_ANY_ORDER
};

struct fields5_def {
	enum fields5_id id;
	enum mqtt_field_id codec; /* its row in the codec's field table, or MQTT_FIELD_NONE */
	const char *key;          /* without a codec row: its key ... */
	uint32_t types;           /* ... and a bit (1 << type) per packet type that has it */
	int send, expect;
};

/* The JSON key of the field. */
const char *fields5_key(const struct fields5_def *d);

/* The 5.0 field keyed `key` at the top of a packet object; NULL if none. */
const struct fields5_def *fields5_find(const char *key);

/* Whether the packet type (1 << type) has the field. */
int fields5_in(const struct fields5_def *d, int type);

/* Whether `key` is a part of a 5.0 SUBSCRIBE topic entry beside its filter
 * (qos, no_local, retain_as_published, retain_handling, options: rows of the
 * codec's table). */
int fields5_is_option(const char *key);

/* Whether `key` is a part of a 5.0 will that is ours: properties,
 * properties_length, properties_length_bytes. */
int fields5_is_will_part(const char *key);

/* Load-time check of one 5.0 field's value: `mode` 's' (send) or 'e'
 * (expect); type is the packet's. */
int fields5_validate(const struct fields5_def *d, int type, const cJSON *v, int mode, const char *path, struct err *e);

/* Load-time check of a topic entry's option or a will's part. */
int fields5_validate_option(const char *key, const cJSON *v, const char *path, struct err *e);
int fields5_validate_will_part(const char *key, const cJSON *v, const char *path, struct err *e);

/* Build the 5.0 fields of a packet object into p (reason code, reason
 * codes, properties and their overrides), with the short forms: an ack,
 * DISCONNECT or AUTH that names neither reason_code nor properties has
 * neither on the wire. */
int fields5_build(const cJSON *tmpl, const struct tmpl_ctx *c, struct arena *a, struct mqtt_packet *p, struct err *e);

/* A will's Will Properties (always present in 5.0 unless "absent"). */
int fields5_build_will(const cJSON *will, const struct tmpl_ctx *c, struct arena *a, struct mqtt_props *out,
		       struct err *e);

/* A SUBSCRIBE topic entry's Subscription Options byte: `options` as given,
 * else qos | no_local << 2 | retain_as_published << 3 | retain_handling << 4. */
int fields5_build_options(const cJSON *entry, const struct tmpl_ctx *c, struct arena *a, uint8_t *out,
			  struct err *e);

/* The reason code of type `type`'s table named `name` as a case spells it:
 * the codec's name in snake case ("no_matching_subscribers" for "No
 * matching subscribers"); -1 if the table has none of that name. */
int fields5_reason_by_name(int type, const char *name);

/* Whether a string a case gives for a reason code is a name (not a number
 * or a template). */
int fields5_is_reason_name(const char *s);

struct mqtt_prop_def;

/* The property a case names by `key` ("content_type"), or by key_hex for a
 * string or binary one (*hex set); NULL if none (the codec's table). */
const struct mqtt_prop_def *fields5_prop_key(const char *key, int *hex);

/* The value an absent numeric property has in a packet of `type`, where
 * the spec gives one (Receive Maximum 65535, Maximum QoS 2, ...): 1 and
 * *out, or 0 when its absence means "none" or another packet's value. */
int fields5_prop_default(const struct mqtt_prop_def *d, int type, long *out);

#endif
