/*
 * mqtt_prop.h - the 5.0 properties (spec 2.2.2), once: their table and the
 * reading and writing of a property block.
 *
 * A property block on the wire is a Property Length (a Variable Byte
 * Integer counting the bytes after itself) and then the properties, each an
 * identifier (a Variable Byte Integer) and a value of the identifier's
 * type. Every packet type but PINGREQ and PINGRESP has one; a CONNECT with a
 * Will has a second, the Will Properties, which is a place of its own here
 * (MQTT_PROP_WILL), because what it may hold differs from the CONNECT's.
 *
 * The table says, per property: its identifier, the name a reader sees, the
 * key a case file uses, its wire type, the places it may appear in (those
 * with a section in `at`), the places where it may appear more than once, the range of a numeric value,
 * what its absence means, and per place the section that defines it there
 * and the clauses a repeat or a bad value breaks in that place (our own
 * MQTTSPEC-<section>-<n> ids where the spec gives the rule no number). So the
 * codec names a broken property rule per (place, property), not per rule.
 */
#ifndef MQTT_PROP_H
#define MQTT_PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/* The seven data types of spec 1.5. */
enum mqtt_prop_type {
	MQTT_PROP_BYTE,	  /* num, 0..255 */
	MQTT_PROP_U16,	  /* num, Two Byte Integer */
	MQTT_PROP_U32,	  /* num, Four Byte Integer */
	MQTT_PROP_VBI,	  /* num, Variable Byte Integer, 0..268435455 */
	MQTT_PROP_STR,	  /* str, UTF-8 Encoded String */
	MQTT_PROP_BIN,	  /* str, Binary Data */
	MQTT_PROP_PAIR	  /* str (name) and value, UTF-8 String Pair */
};

/* A place is a packet type (1..15, AUTH is 15) or the Will Properties. */
#define MQTT_PROP_WILL 16u
#define MQTT_PROP_PLACES 17u
/* The bit of a place in `places` and `repeats`. */
#define MQTT_PROP_AT(place) (1u << (unsigned)(place))

/* What the table says of one property in one place. */
struct mqtt_prop_place {
	const char *section;  /* "3.1.2.11.2"; NULL: not allowed there */
	const char *repeated; /* the clause a repeat breaks; NULL: repeats
			       * allowed, or no sentence of the spec forbids them */
	const char *value;    /* the clause a value outside lo..hi breaks;
			       * NULL: not checked there */
};

struct mqtt_prop_def {
	uint8_t id;
	const char *name; /* "Session Expiry Interval" */
	const char *key;  /* "session_expiry_interval" */
	enum mqtt_prop_type type;
	uint32_t repeats; /* MQTT_PROP_AT() of each place it may repeat in */
	uint32_t lo, hi;  /* the values a numeric property may take */
	const char *absent; /* what its absence means: "0", "none", ... */
	struct mqtt_prop_place at[MQTT_PROP_PLACES];
};

/* The row of property `id`; NULL for an id the spec does not define. */
const struct mqtt_prop_def *mqtt_prop_get(uint32_t id);

/* The row keyed `key` ("topic_alias"); NULL if none. */
const struct mqtt_prop_def *mqtt_prop_find(const char *key);

/* The i-th row (0..26) in identifier order; NULL past the last. */
const struct mqtt_prop_def *mqtt_prop_at(size_t i);

/* The number of rows (27). */
size_t mqtt_prop_count(void);

/* "Byte", "Two Byte Integer", ... */
const char *mqtt_prop_type_name(enum mqtt_prop_type t);

/* Whether `def` may appear in `place`, and may appear there more than once. */
bool mqtt_prop_allowed(const struct mqtt_prop_def *def, unsigned place);
bool mqtt_prop_may_repeat(const struct mqtt_prop_def *def, unsigned place);

/* The clause of a per-(place, property) rule: for MQTT_RULE_PROP_REPEATED
 * the `repeated` clause of property `id` in `place`, for
 * MQTT_RULE_PROP_VALUE its `value` clause; NULL for any other rule, an
 * unknown id, a place it is not allowed in, or a rule its section does not
 * state there. mqtt_check puts it in the diag of those two rules. */
const char *mqtt_prop_clause(enum mqtt_rule rule, unsigned place, uint32_t id);

/* The clause that keeps property `id` out of a packet of type `place` when
 * it would make the packet larger than the receiver's Maximum Packet Size:
 * the Reason String and User Property of CONNACK, the four publish acks,
 * SUBACK, UNSUBACK, DISCONNECT and AUTH each have one. NULL elsewhere (a
 * PUBLISH is dropped whole instead, MQTT-3.1.2-25). */
const char *mqtt_prop_size_clause(unsigned place, uint32_t id);

/* "CONNECT", ..., "AUTH", or "Will Properties" for MQTT_PROP_WILL. */
const char *mqtt_prop_place_name(unsigned place);

/*
 * The bytes of a property block: the Property Length (props->len_override
 * when >= 0, else the real length; padded to len_bytes when > 0) and each
 * item in order: its id as a Variable Byte Integer, then `raw` when has_raw,
 * else the value of the id's type (an id the table does not know writes
 * no value: give it `raw`). Nothing at all when !props->present.
 * Returns the byte count; writes only when out != NULL (it must then hold
 * that count: call with NULL first). MQTT_ERR_INVALID: a value its type
 * cannot carry (a string above 65535 bytes, a VBI above 268435455, a byte
 * above 255, ...), an id above 268435455, more than MQTT_MAX_PROPS items,
 * a length override above 268435455, len_bytes above 5.
 */
int mqtt_props_write(const struct mqtt_props *props, uint8_t *out);

/* The bytes of the items alone: the real Property Length of `props`
 * (whatever len_override says), or mqtt_props_write's MQTT_ERR_INVALID. */
int mqtt_props_length(const struct mqtt_props *props);

/*
 * Read a property block starting at in[pos], the packet ending at in[end]
 * (offsets are the packet's, so diag offsets are too). Fills props (present,
 * len_bytes, the items in wire order, len_override -1) and returns the
 * offset after the block. MQTT_ERR_MALFORMED with diag: the Property
 * Length missing (the packet ends at pos: rule MQTT_RULE_PROPS_MISSING),
 * longer than 4 bytes (MQTT_RULE_LENGTH_BYTES), running past the packet
 * (MQTT_RULE_PROP_LENGTH), a property cut short by the block's end
 * (MQTT_RULE_PROP_LENGTH), an identifier the spec does not define
 * (MQTT_RULE_PROP_UNKNOWN: its value cannot be read), a non-minimal Variable
 * Byte Integer in an identifier or a value (MQTT_RULE_VBI_MINIMAL: the
 * model keeps no byte count for them, so they could not be shown or
 * re-encoded). MQTT_ERR_LIMIT: more than MQTT_MAX_PROPS properties.
 * `what` names the block in messages ("CONNACK properties").
 */
int mqtt_props_read(enum mqtt_version v, const uint8_t *in, size_t pos,
		    size_t end, struct mqtt_props *props, const char *what,
		    struct mqtt_diag *diag);

/* The first item of the block keyed `key` ("topic_alias"), or NULL (none,
 * or a key the table does not know). Not const: the callers that change the
 * item found have the block to change (as strchr). */
struct mqtt_prop *mqtt_props_get(const struct mqtt_props *props, const char *key);

/* Append an item keyed `key`, zeroed but its id (no length overrides), and
 * make the block present; NULL when the block is full or the key unknown. */
struct mqtt_prop *mqtt_props_add(struct mqtt_props *props, const char *key);

/* Whether a 5.0 packet of type `t` always carries a Property Length: all
 * but the pings and the types with short forms (PUBACK, PUBREC, PUBREL,
 * PUBCOMP, DISCONNECT, AUTH). */
bool mqtt_props_required(enum mqtt_type t);

/* Bytes a Variable Byte Integer of `value` takes in its minimal form. */
size_t mqtt_vbi_size(uint32_t value);

#endif
