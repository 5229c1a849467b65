/*
 * mqtt_varint.h - the Remaining Length field (spec 2.2.3).
 *
 * Seven value bits per byte, least significant group first; bit 7 set means
 * another byte follows. At most four bytes, so the largest value is
 * MQTT_MAX_REMAINING_LENGTH (268435455):
 *   0..127 -> 1 byte   128..16383 -> 2   16384..2097151 -> 3   ..268435455 -> 4
 *   e.g. 321 = 0xC1 0x02 (0x41 + 2*128)
 */
#ifndef MQTT_VARINT_H
#define MQTT_VARINT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/*
 * Read a Remaining Length from in[0..len).
 * Returns the bytes consumed (1..4) and sets *value;
 * 0 when the field is not complete yet (more input needed);
 * MQTT_ERR_MALFORMED when the 4th byte still has its continuation bit, i.e.
 * a 5th byte would be needed: diag offset = that 4th byte, rule
 * MQTT_RULE_LENGTH_BYTES (3.1.1: "MQTTSPEC-2.2.3-1"; `v` names the clause).
 * Non-minimal encodings (0x80 0x00 for 0) are accepted: 3.1.1 does not
 * forbid them; the byte count is returned so callers can see (5.0 does,
 * MQTT-1.5.5-1: mqtt_check flags a Remaining Length or Property Length of
 * too many bytes, the property reader refuses the others).
 */
int mqtt_varint_decode(enum mqtt_version v, const uint8_t *in, size_t len,
		       uint32_t *value, struct mqtt_diag *diag);

/*
 * Write `value` using at least `min_bytes` bytes (0 or 1: minimal form; up
 * to 5, padded with continuation bytes, e.g. 2 in 2 bytes is 82 00 and in
 * 5 bytes 82 80 80 80 00 - the 5-byte form is malformed on purpose).
 * Returns the bytes written; MQTT_ERR_INVALID when value exceeds
 * MQTT_MAX_REMAINING_LENGTH or min_bytes > 5; MQTT_ERR_BUFFER when cap is
 * too small (nothing is written then).
 */
int mqtt_varint_encode(uint32_t value, uint8_t min_bytes, uint8_t *out,
		       size_t cap);

#endif
