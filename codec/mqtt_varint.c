/* mqtt_varint.c - Remaining Length encoding (spec 2.2.3, Table 2.4). */
#include "codec/mqtt_varint.h"

#include "codec/mqtt_err.h"

int mqtt_varint_decode(enum mqtt_version v, const uint8_t *in, size_t len,
		       uint32_t *value, struct mqtt_diag *diag)
{
	uint32_t acc = 0;
	for (size_t i = 0; i < 4; i++) {
		if (i >= len)
			return 0;
		acc |= (uint32_t)(in[i] & 0x7F) << (7 * i);
		if ((in[i] & 0x80) == 0) {
			*value = acc;
			return (int)i + 1;
		}
	}
	/* The 4th byte asks for a 5th: no need to wait for it to know. */
	return mqtt_err_diag(diag, MQTT_ERR_MALFORMED, 3, v,
			     MQTT_RULE_LENGTH_BYTES,
			     "remaining length continues past 4 bytes");
}

int mqtt_varint_encode(uint32_t value, uint8_t min_bytes, uint8_t *out,
		       size_t cap)
{
	if (value > MQTT_MAX_REMAINING_LENGTH || min_bytes > 5)
		return MQTT_ERR_INVALID;
	size_t n = 1;
	for (uint32_t v = value >> 7; v != 0; v >>= 7)
		n++;
	if (n < min_bytes)
		n = min_bytes;
	if (n > cap)
		return MQTT_ERR_BUFFER;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = value & 0x7F;
		value >>= 7;
		out[i] = i + 1 < n ? (uint8_t)(b | 0x80) : b;
	}
	return (int)n;
}
