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
 * return MQTT_ERR_INVALID or MQTT_ERR_UNSUPPORTED (every real packet is at
 * least 2 bytes). */
size_t mqtt_encode_size(enum mqtt_version v, const struct mqtt_packet *pkt);

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
 * MQTT_ERR_BUFFER: cap is below mqtt_encode_size() (nothing useful written);
 * MQTT_ERR_UNSUPPORTED: a version the codec does not know. The layout is
 * version `v`'s (the protocol level byte is the packet's, as given).
 *
 * 5.0 (the layout in codec/mqtt.h): a property block is written iff its
 * `present` (so set props.present for every packet that needs one, and
 * will_props.present with a Will), as mqtt_props_write says: in the order
 * given, repeats and unknown ids kept, raw values, a Property Length
 * override or padding; the acks, DISCONNECT and AUTH write their reason
 * code iff has_reason_code (neither: the short form). MQTT_ERR_INVALID
 * also for a property value its type cannot carry.
 */
int mqtt_encode(enum mqtt_version v, const struct mqtt_packet *pkt,
		uint8_t *out, size_t cap);

/* The DISCONNECT a client ends its session with (no reason given: a normal
 * disconnection in every version), by mqtt_encode. Returns its length (2)
 * or mqtt_encode's error. */
int mqtt_encode_disconnect(enum mqtt_version v, uint8_t *out, size_t cap);

#endif
