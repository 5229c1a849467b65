/*
 * mqtt_decode.h - bytes -> struct mqtt_packet, syntax only.
 *
 * The decoder accepts every packet whose fields fit its Remaining Length as
 * the type's layout (codec/mqtt.h) defines; whether the values break a rule
 * of the spec is mqtt_check()'s job, so the harness can both build and
 * diagnose rule-breaking packets.
 */
#ifndef MQTT_DECODE_H
#define MQTT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/*
 * Decode the one complete packet occupying in[0..len) (len must equal the
 * total_len mqtt_frame_next() reported). `pkt` is re-initialised first;
 * strings, payload and filters are slices into `in`.
 *
 * Filled: type, flags, remaining_length, rl_bytes (bytes the length took,
 * rl_override false) and the fields of the type:
 * - CONNECT: protocol fields; will_topic/will_message, username, password
 *   present exactly when connect_flags say so.
 * - PUBLISH: has_packet_id when the QoS bits are not 0 (QoS 3 included).
 * - PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE,
 *   UNSUBACK: has_packet_id always.
 * - SUBSCRIBE: entries with has_qos and the raw QoS byte; UNSUBSCRIBE:
 *   entries; SUBACK: codes. Zero entries/codes decode fine (mqtt_check
 *   reports them).
 * - RESERVED0 / RESERVED15: no fields; the bytes after the fixed header are
 *   put in `payload` so they can be shown.
 *
 * Returns len, or:
 * MQTT_ERR_MALFORMED - the fields do not fill the Remaining Length exactly:
 *   too few bytes for a field, a string length running past the end, bytes
 *   left over after the last field (fixed-size types: CONNACK, PUBACK,
 *   PUBREC, PUBREL, PUBCOMP, UNSUBACK take 2; PINGREQ, PINGRESP,
 *   DISCONNECT take 0). diag: offset of the problem in `in`, rule
 *   MQTT_RULE_LENGTH_FIT (3.1.1: "MQTTSPEC-2.2.3-2"), msg e.g. "PUBACK:
 *   remaining length 3, expected 2". Also for a Remaining Length past 4
 *   bytes (MQTT_RULE_LENGTH_BYTES, "MQTTSPEC-2.2.3-1"), and with rule
 *   MQTT_RULE_NONE (clause NULL) when len is not the packet's framed length.
 * MQTT_ERR_LIMIT - more than MQTT_MAX_ENTRIES filters or codes, or
 *   MQTT_MAX_PROPS properties in a block (clause NULL).
 * MQTT_ERR_UNSUPPORTED - a version the codec does not know.
 *
 * 5.0 (the layout in codec/mqtt.h): the property blocks are read by
 * mqtt_props_read (codec/mqtt_prop.h) and fail as it says (the Property
 * Length missing MQTT-2.2.2-1, past the packet or cutting a property
 * short MQTTSPEC-2.2.2.1-1, an undefined identifier MQTTSPEC-2.2.2.2-1, a
 * non-minimal VBI inside MQTT-1.5.5-1). The acks of Remaining Length 2 or
 * 3 and DISCONNECT or AUTH of 0 or 1 are their short forms: has_reason_code
 * and props.present say what was there. UNSUBACK's codes are in codes[],
 * SUBSCRIBE's Subscription Options in entries[].qos; type 15 is AUTH.
 * Where 3.1.1 names "MQTTSPEC-2.2.3-*", 5.0 names MQTTSPEC-2.1.4-1 (fit)
 * and MQTTSPEC-1.5.5-1 (a length past 4 bytes).
 * The layout is version `v`'s; clause ids are its (codec/mqtt_rule.h).
 * On error `pkt` holds whatever was read before the problem (or nothing).
 */
int mqtt_decode(enum mqtt_version v, const uint8_t *in, size_t len,
		struct mqtt_packet *pkt, struct mqtt_diag *diag);

#endif
