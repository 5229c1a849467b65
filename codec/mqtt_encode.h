/*
 * mqtt_encode.h - struct mqtt_packet -> bytes, faithfully.
 *
 * Nothing is validated or fixed up: flags, connect flags, length prefixes
 * and the Remaining Length are written as given, so the harness can send
 * rule-breaking packets. Only what the wire cannot carry at all is refused.
 */
#ifndef MQTT_ENCODE_H
#define MQTT_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/* The exact number of bytes mqtt_encode() would write, or 0 when it would
 * return MQTT_ERR_INVALID (every real packet is at least 2 bytes). */
size_t mqtt_encode_size(const struct mqtt_packet *pkt);

/*
 * Writes, in order:
 * - byte 0 = type << 4 | (flags & 0x0F);
 * - the Remaining Length: the real length of what follows, or
 *   pkt->remaining_length when rl_override; padded to rl_bytes (1..5) if > 0;
 * - the fields of pkt->type in wire order (codec/mqtt.h). CONNECT writes
 *   will_topic, will_message, username, password iff their `present` is
 *   set, whatever connect_flags say; every type that carries a packet id
 *   writes it iff has_packet_id (so set it for PUBACK etc. too); SUBSCRIBE
 *   entries write their QoS byte iff has_qos; a string's 2-byte prefix is
 *   len_override when >= 0, else its real length. RESERVED0/RESERVED15 write
 *   `payload` (empty after mqtt_packet_init) - the mirror of mqtt_decode;
 * - then pkt->extra.
 * Returns the bytes written;
 * MQTT_ERR_INVALID: a type above 15, a string (or len_override) above 65535,
 *   more than MQTT_MAX_ENTRIES entries/codes, a real or overridden Remaining
 *   Length above MQTT_MAX_REMAINING_LENGTH, rl_bytes above 5;
 * MQTT_ERR_BUFFER: cap is below mqtt_encode_size() (nothing useful written).
 */
int mqtt_encode(const struct mqtt_packet *pkt, uint8_t *out, size_t cap);

#endif
