/*
 * mqtt.h - the MQTT packet model shared by the codec and the harness.
 *
 * Every codec function that reads or writes the wire, or names a clause,
 * takes the protocol version: 3.1.1 and 5.0 share this model and these
 * functions, and differ in tables and in the 5.0 fields (reason codes,
 * properties) a 3.1.1 packet never has.
 *
 * The codec is pure: no sockets, files, clocks, globals or malloc. Strings and
 * payloads are slices into caller memory (the input buffer on decode, whatever
 * the caller points at on encode).
 *
 * One flat struct serves every packet type. On encode only the fields of
 * `type` are written, faithfully and in wire order, so a case can build an
 * invalid packet: raw fixed-header flags, raw connect flags, a string whose
 * length prefix lies, a Remaining Length that lies or uses too many bytes,
 * optional fields present or absent regardless of the flags, trailing bytes.
 *
 * Wire layout of 3.1.1 (spec chapter 2 and 3):
 *   byte 0        type << 4 | flags
 *   1..4 bytes    Remaining Length, 7 bits per byte, bit 7 = continuation
 *   variable header and payload, per type:
 *     CONNECT     str protocol_name, u8 level, u8 connect_flags, u16 keep_alive,
 *                 str client_id [, str will_topic, bin will_message]
 *                 [, str username] [, bin password]
 *     CONNACK     u8 ack_flags, u8 return_code
 *     PUBLISH     str topic [, u16 packet_id if QoS > 0], payload to the end
 *     PUBACK PUBREC PUBREL PUBCOMP UNSUBACK   u16 packet_id
 *     SUBSCRIBE   u16 packet_id, { str filter, u8 qos }+
 *     SUBACK      u16 packet_id, { u8 return_code }+
 *     UNSUBSCRIBE u16 packet_id, { str filter }+
 *     PINGREQ PINGRESP DISCONNECT   nothing
 *
 * Wire layout of 5.0 (spec chapter 3): a property block (P: a Property
 * Length and the properties, codec/mqtt_prop.h) joins most variable headers:
 *     CONNECT     str protocol_name, u8 level, u8 connect_flags, u16 keep_alive,
 *                 P props, str client_id [, P will_props, str will_topic,
 *                 bin will_message] [, str username] [, bin password]
 *     CONNACK     u8 ack_flags, u8 return_code (the reason code), P props
 *     PUBLISH     str topic [, u16 packet_id if QoS > 0], P props, payload
 *     PUBACK PUBREC PUBREL PUBCOMP   u16 packet_id [, u8 reason_code [, P props]]
 *     SUBSCRIBE   u16 packet_id, P props, { str filter, u8 options }+
 *     SUBACK UNSUBACK   u16 packet_id, P props, { u8 reason code }*
 *     UNSUBSCRIBE u16 packet_id, P props, { str filter }+
 *     DISCONNECT AUTH   [u8 reason_code [, P props]]
 *     PINGREQ PINGRESP  nothing
 */
#ifndef MQTT_H
#define MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value is the Protocol Level byte of CONNECT (spec 3.1.2.2). */
enum mqtt_version {
	MQTT_V311 = 4,
	MQTT_V5 = 5
};

/*
 * The rules the codec finds broken. Which normative statement a rule is
 * differs between versions: mqtt_rule_clause() (codec/mqtt_rule.h) maps
 * them, one table per version.
 */
enum mqtt_rule {
	MQTT_RULE_NONE = 0,	     /* no statement: a limit, a short buffer */
	MQTT_RULE_TYPE_RESERVED,     /* packet type 0, or 15 in 3.1.1 */
	MQTT_RULE_DIRECTION,	     /* sent by the wrong side (Table 2.1) */
	MQTT_RULE_FLAGS_PUBREL,	     /* fixed-header flags, per type */
	MQTT_RULE_FLAGS_SUBSCRIBE,
	MQTT_RULE_FLAGS_UNSUBSCRIBE,
	MQTT_RULE_FLAGS_OTHER,
	MQTT_RULE_PUBLISH_QOS3,
	MQTT_RULE_PUBLISH_DUP_QOS0,
	MQTT_RULE_PACKET_ID_ZERO,    /* a packet id that must be non-zero */
	MQTT_RULE_SUBSCRIBE_EMPTY,   /* no topic filter */
	MQTT_RULE_UNSUBSCRIBE_EMPTY,
	MQTT_RULE_SUBSCRIBE_QOS,     /* reserved bits or QoS 3 requested */
	MQTT_RULE_SUBACK_CODE,	     /* a reserved return code */
	MQTT_RULE_CONNACK_FLAGS,     /* reserved acknowledge flag bits */
	MQTT_RULE_CONNACK_SESSION,   /* Session Present with a refusal */
	MQTT_RULE_CONNACK_CODE,	     /* a reserved return code */
	MQTT_RULE_CONNECT_RESERVED,  /* the reserved connect flag */
	MQTT_RULE_CONNECT_WILL_FLAGS, /* Will QoS/Retain without Will */
	MQTT_RULE_CONNECT_WILL_QOS3,
	MQTT_RULE_CONNECT_PASSWORD,  /* password flag without user name */
	MQTT_RULE_TOPIC_EMPTY,
	MQTT_RULE_TOPIC_WILDCARD,    /* '+' or '#' in a topic name */
	MQTT_RULE_FILTER_HASH,	     /* '#' not a whole last level */
	MQTT_RULE_FILTER_PLUS,	     /* '+' not a whole level */
	MQTT_RULE_UTF8_ILL_FORMED,
	MQTT_RULE_UTF8_NUL,
	MQTT_RULE_LENGTH_FIT,	     /* fields do not fill the Remaining Length */
	MQTT_RULE_LENGTH_BYTES,	     /* Remaining Length past 4 bytes */
	/* Rules over more than one packet's form, which the engine holds a
	 * broker to (its monitors, the duties of set-up steps, the transport). */
	MQTT_RULE_FIRST_CONNACK,     /* the server's first packet is a CONNACK */
	MQTT_RULE_SESSION_DISCARDED, /* a discarded session's subscriptions deliver nothing */
	MQTT_RULE_PUBLISH_MATCHES,   /* a delivered PUBLISH matches a subscription */
	MQTT_RULE_PUBLISH_GRANT,     /* delivered at no more than granted and published */
	MQTT_RULE_PACKET_ID_IN_USE,  /* a new message under an id still in flight */
	MQTT_RULE_QOS2_RECEIVER,     /* QoS 2: PUBCOMP for PUBREL, no second onward delivery */
	MQTT_RULE_SUBACK_DUTY,	     /* a SUBSCRIBE is answered with SUBACK */
	MQTT_RULE_UNSUBACK_DUTY,     /* an UNSUBSCRIBE is answered with UNSUBACK */
	MQTT_RULE_PUBLISH_ACK_DUTY,  /* a QoS 1/2 PUBLISH is acknowledged */
	MQTT_RULE_PUBLISH_REFUSED,   /* a PUBLISH the broker will not accept may close */
	MQTT_RULE_WS_BINARY,	     /* MQTT over WebSocket travels in binary frames */
	MQTT_RULE_WS_SUBPROTOCOL,    /* the WebSocket sub-protocol selected is "mqtt" */
	/* 5.0 only from here on (3.1.1 has no such field or rule). */
	MQTT_RULE_PROPS_MISSING,     /* no Property Length where one must be */
	MQTT_RULE_PROP_LENGTH,	     /* the properties do not fill the Property Length */
	MQTT_RULE_PROP_UNKNOWN,	     /* a property identifier the spec does not define */
	MQTT_RULE_PROP_NOT_ALLOWED,  /* a property not allowed in this packet */
	MQTT_RULE_PROP_REPEATED,     /* repeated where forbidden: clause per place */
	MQTT_RULE_PROP_VALUE,	     /* a value out of its range: clause per place */
	MQTT_RULE_VBI_MINIMAL,	     /* a Variable Byte Integer not in its shortest form */
	MQTT_RULE_FLAGS_AUTH,
	MQTT_RULE_CONNECT_WILL_RETAIN, /* Will Retain without Will */
	MQTT_RULE_PUBLISH_TOPIC_ALIAS, /* empty topic name and no Topic Alias */
	MQTT_RULE_PUBLISH_SUBID_CLIENT, /* a client's PUBLISH with a Subscription Identifier */
	MQTT_RULE_PACKET_ID_ZERO_SERVER, /* a server's QoS > 0 PUBLISH with id 0 */
	MQTT_RULE_SUBSCRIBE_OPT_QOS3, /* Maximum QoS 3 in the Subscription Options */
	MQTT_RULE_SUBSCRIBE_RETAIN_HANDLING, /* Retain Handling 3 */
	MQTT_RULE_SUBSCRIBE_NOLOCAL_SHARED, /* No Local on a shared subscription */
	MQTT_RULE_UNSUBACK_CODE,     /* a code outside Table 3-9 */
	MQTT_RULE_PUBACK_CODE,	     /* a code outside Table 3-4 */
	MQTT_RULE_PUBREC_CODE,	     /* Table 3-5 */
	MQTT_RULE_PUBREL_CODE,	     /* Table 3-6 */
	MQTT_RULE_PUBCOMP_CODE,	     /* Table 3-7 */
	MQTT_RULE_DISCONNECT_CODE,   /* Table 3-10 */
	MQTT_RULE_AUTH_CODE,	     /* Table 3-11 */
	MQTT_RULE_RESPONSE_TOPIC_WILDCARD, /* '+' or '#' in a PUBLISH's Response Topic */
	MQTT_RULE_AUTH_DATA_NO_METHOD, /* CONNECT: Authentication Data without Method */
	MQTT_RULE_DISCONNECT_SESSION_EXPIRY, /* a server's DISCONNECT with Session Expiry */
	/* A string rule of 1.5.4 broken in a field with a statement of its own. */
	MQTT_RULE_TOPIC_NAME_UTF8,   /* a PUBLISH's Topic Name not UTF-8 (3.3.2.1) */
	MQTT_RULE_TOPIC_NAME_NUL,    /* ... holding U+0000 (4.7.3) */
	MQTT_RULE_RESPONSE_TOPIC_UTF8, /* a PUBLISH's Response Topic, either rule */
	MQTT_RULE_CONTENT_TYPE_UTF8, /* a PUBLISH's Content Type, either rule */
	MQTT_RULE_USER_PROPERTY_UTF8, /* a User Property's name or value, either rule */
	/* 5.0 rules the engine's monitors hold a broker to, from what the
	 * client's CONNECT asked of it. */
	MQTT_RULE_PACKET_SIZE_MAX,   /* no packet beyond the client's Maximum Packet Size */
	MQTT_RULE_RECEIVE_MAX,	     /* unacknowledged QoS>0 PUBLISHes within its Receive Maximum */
	MQTT_RULE_TOPIC_ALIAS_MAX,   /* a Topic Alias within its Topic Alias Maximum */
	MQTT_RULE_TOPIC_ALIAS_NONE,  /* no Topic Alias when it allowed none */
	MQTT_RULE_TOPIC_ALIAS_ZERO,  /* never a Topic Alias of 0 */
	MQTT_RULE_PROBLEM_INFO,	     /* Request Problem Information 0: no Reason String or
				      * User Property but on PUBLISH, CONNACK, DISCONNECT */
	MQTT_RULE_AFTER_DISCONNECT,  /* nothing after the server's DISCONNECT (5.0) */
	MQTT_RULE_COUNT
};

/* The first rule only 5.0 has. */
#define MQTT_RULE_V5_ONLY MQTT_RULE_PROPS_MISSING

enum mqtt_type {
	MQTT_RESERVED0 = 0,
	MQTT_CONNECT = 1,
	MQTT_CONNACK = 2,
	MQTT_PUBLISH = 3,
	MQTT_PUBACK = 4,
	MQTT_PUBREC = 5,
	MQTT_PUBREL = 6,
	MQTT_PUBCOMP = 7,
	MQTT_SUBSCRIBE = 8,
	MQTT_SUBACK = 9,
	MQTT_UNSUBSCRIBE = 10,
	MQTT_UNSUBACK = 11,
	MQTT_PINGREQ = 12,
	MQTT_PINGRESP = 13,
	MQTT_DISCONNECT = 14,
	MQTT_RESERVED15 = 15,
	MQTT_AUTH = 15 /* 5.0; reserved in 3.1.1. Switches use MQTT_RESERVED15. */
};

/* Largest value a 4-byte Remaining Length can carry (spec 2.2.3). */
#define MQTT_MAX_REMAINING_LENGTH 268435455u
/* Decoder limit on topic filters / return codes per packet (not a spec limit). */
#define MQTT_MAX_ENTRIES 32

/* CONNECT flag bits (spec 3.1.2.3) */
#define MQTT_CF_RESERVED 0x01
#define MQTT_CF_CLEAN_SESSION 0x02
#define MQTT_CF_WILL 0x04
#define MQTT_CF_WILL_QOS_SHIFT 3
#define MQTT_CF_WILL_RETAIN 0x20
#define MQTT_CF_PASSWORD 0x40
#define MQTT_CF_USERNAME 0x80

/* PUBLISH fixed-header flag bits (spec 3.3.1) */
#define MQTT_PF_RETAIN 0x01
#define MQTT_PF_QOS_SHIFT 1
#define MQTT_PF_DUP 0x08

struct mqtt_slice {
	const uint8_t *p;
	size_t n;
};

/*
 * A length-prefixed field (UTF-8 string or binary data). `present` says
 * whether the field is on the wire at all (optional CONNECT fields).
 * On encode, len_override >= 0 is written as the 2-byte prefix instead of s.n.
 * On decode, len_override is -1.
 */
struct mqtt_str {
	bool present;
	struct mqtt_slice s;
	int32_t len_override;
};

/* A SUBSCRIBE / UNSUBSCRIBE entry. `qos` is the raw requested-QoS byte
 * (SUBSCRIBE only; reserved bits included); has_qos false omits it on encode. */
struct mqtt_entry {
	struct mqtt_str filter;
	uint8_t qos;
	bool has_qos;
};

/* Decoder limit on properties per property block (not a spec limit). */
#define MQTT_MAX_PROPS 32

/*
 * A 5.0 property (spec 2.2.2.2): the identifier as on the wire and its
 * value. Which member carries the value follows the identifier's type
 * (codec/mqtt_prop.h): a Byte, Two Byte, Four Byte or Variable Byte
 * Integer in `num`; a UTF-8 string or binary data in `str`; a UTF-8 string
 * pair in `str` (the name) and `value`.
 *
 * Encode: `id` may be any value, one the spec does not define included
 * (written as a Variable Byte Integer). has_raw writes `raw` after the
 * identifier in place of the value, so a case can give a value of the wrong
 * type or length. Decode: has_raw is false.
 */
struct mqtt_prop {
	uint32_t id;
	uint32_t num;
	struct mqtt_str str;
	struct mqtt_str value;
	bool has_raw;
	struct mqtt_slice raw;
};

/*
 * A property block: the Property Length and the properties in wire order
 * (decode keeps the order received; repeats stay repeats).
 *
 * `present` says whether the Property Length is on the wire: a short form
 * (an ack of Remaining Length 2 or 3, a DISCONNECT or AUTH of Remaining
 * Length 0 or 1) drops it. Encode: len_override >= 0 is written as the
 * Property Length instead of the real one; len_bytes > 0 pads its Variable
 * Byte Integer to that many bytes (1..5; more than the minimum breaks
 * MQTT-1.5.5-1 on purpose, more than 4 is malformed). Decode: len_override
 * is -1 and len_bytes the count of bytes the length took.
 */
struct mqtt_props {
	bool present;
	int64_t len_override;
	uint8_t len_bytes;
	size_t count;
	struct mqtt_prop items[MQTT_MAX_PROPS];
};

struct mqtt_packet {
	enum mqtt_type type;
	uint8_t flags; /* low nibble of byte 0, raw */

	/* Remaining Length. Decode: the value read and how many bytes it took.
	 * Encode: if rl_override, `remaining_length` is written instead of the
	 * real length; rl_bytes > 0 pads the encoding to that many bytes
	 * (1..5; more than 4 is malformed on purpose). */
	uint32_t remaining_length;
	bool rl_override;
	uint8_t rl_bytes;

	/* CONNECT */
	struct mqtt_str protocol_name;
	uint8_t protocol_level;
	uint8_t connect_flags; /* raw byte, see MQTT_CF_* */
	uint16_t keep_alive;
	struct mqtt_str client_id;
	struct mqtt_str will_topic;
	struct mqtt_str will_message;
	struct mqtt_str username;
	struct mqtt_str password;

	/* CONNACK */
	uint8_t ack_flags; /* raw byte: bit 0 = Session Present */
	uint8_t return_code;

	/* PUBLISH (flags carry DUP, QoS, RETAIN; see MQTT_PF_*) */
	struct mqtt_str topic;
	struct mqtt_slice payload;

	/* PUBLISH (QoS > 0), PUBACK..PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE,
	 * UNSUBACK. Encode writes it only if has_packet_id; decode sets it
	 * whenever the type carries one. */
	bool has_packet_id;
	uint16_t packet_id;

	/* SUBSCRIBE / UNSUBSCRIBE */
	size_t entry_count;
	struct mqtt_entry entries[MQTT_MAX_ENTRIES];

	/* SUBACK; UNSUBACK in 5.0 (its payload is a reason code per filter) */
	size_t code_count;
	uint8_t codes[MQTT_MAX_ENTRIES];

	/* 5.0 only. The reason code of PUBACK, PUBREC, PUBREL, PUBCOMP,
	 * DISCONNECT and AUTH (CONNACK's is return_code). Encode writes it only
	 * if has_reason_code; decode sets has_reason_code false for the short
	 * forms that leave it out (the code is then 0x00, as the spec reads the
	 * absence). */
	bool has_reason_code;
	uint8_t reason_code;

	/* Encode: raw bytes appended after the last field (inside the
	 * Remaining Length). Decode: always empty. */
	struct mqtt_slice extra;

	/* 5.0 only: the packet's properties, and the Will Properties of a
	 * CONNECT (written after the client id when will_props.present).
	 * Last, and most of the struct's size: a decoded packet leaves the
	 * items past each block's count unset (decoding writes only what it
	 * read, so it costs what the packet holds, not the struct's size);
	 * mqtt_packet_init sets every item to absent. */
	struct mqtt_props props;
	struct mqtt_props will_props;
};

/* Who sent a packet, for the direction rules of Table 2.1. */
enum mqtt_dir {
	MQTT_FROM_ANY = 0,
	MQTT_FROM_CLIENT,
	MQTT_FROM_SERVER
};

/*
 * Where a problem is and which normative statement it breaks.
 * `clause` is mqtt_rule_clause(version, rule) for the version the call was
 * given: a constant string ("MQTT-3.3.1-4", or one of our own "MQTTSPEC-..."
 * ids for unnumbered rules), or NULL when no statement applies (rule
 * MQTT_RULE_NONE: a decoder limit, a short output buffer).
 */
struct mqtt_diag {
	size_t offset;
	const char *clause;
	char msg[96];
	enum mqtt_rule rule;
};

/* The Protocol Level byte of `v` (4 for 3.1.1), -1 for no version we know. */
int mqtt_version_level(enum mqtt_version v);

/* "3.1.1", "5.0"; NULL for no version we know. */
const char *mqtt_version_name(enum mqtt_version v);

/* The version named "3.1.1" or "5.0"; -1 for any other name. */
int mqtt_version_from_name(const char *name);

/* Reset a packet to all-absent, len_override -1, type `t`. */
void mqtt_packet_init(struct mqtt_packet *pkt, enum mqtt_type t);

/* Reset a property block to absent and empty (len_override -1), every
 * item absent. */
void mqtt_props_init(struct mqtt_props *props);

/* One property item to absent: id 0, no value, no raw bytes, strings with
 * len_override -1. */
void mqtt_prop_init(struct mqtt_prop *p);

/* The fixed-header flags the spec requires for `t` (Table 2.2), or -1 for
 * PUBLISH (whose flags carry DUP/QoS/RETAIN) and the reserved types. */
int mqtt_type_required_flags(enum mqtt_type t);

/* "CONNECT", "PUBACK", ... ; "RESERVED0"/"RESERVED15" for 0 and 15. */
const char *mqtt_type_name(enum mqtt_type t);

/* The name in version `v`: as mqtt_type_name, but "AUTH" for 15 in 5.0. */
const char *mqtt_type_name_v(enum mqtt_version v, enum mqtt_type t);

/* As mqtt_type_from_name, in version `v`: "AUTH" is 15 in 5.0 (and
 * "RESERVED15" no type there). */
int mqtt_type_from_name_v(enum mqtt_version v, const char *name);

/* The fixed-header flags of `t` in version `v`: mqtt_type_required_flags,
 * and 0 for AUTH in 5.0 (Table 2-2). */
int mqtt_type_required_flags_v(enum mqtt_version v, enum mqtt_type t);

/* Type from its name (case-insensitive); -1 if unknown. */
int mqtt_type_from_name(const char *name);

/*
 * What a CONNACK return code or a SUBACK code means in version `v`
 * ("accepted", "identifier rejected", "granted QoS 1", "failure"), or
 * "reserved" for a value the version leaves reserved; NULL for another
 * type or a version not implemented yet. In 5.0: the reason code's name in
 * the table of `t` (codec/mqtt_reason.h: CONNACK, PUBACK..PUBCOMP, SUBACK,
 * UNSUBACK, DISCONNECT, AUTH), "not a reason code of this packet" for a
 * value its table lacks; NULL for a type without reason codes.
 */
const char *mqtt_return_code_name(enum mqtt_version v, enum mqtt_type t,
				  unsigned code);

/* Set a CONNECT's protocol name ("MQTT") and level to version `v`'s: the
 * part of a CONNECT the version decides (a level of 0 for no version we
 * know). Nothing else is touched. */
void mqtt_packet_set_protocol(struct mqtt_packet *pkt, enum mqtt_version v);

#endif
