/*
 * mqtt_frame.h - find packet boundaries in a byte stream.
 *
 *   in[0]        byte 0: type << 4 | flags
 *   in[1..4]     Remaining Length (1..4 bytes, see mqtt_varint.h)
 *   ...          remaining_length bytes of variable header and payload
 *
 * Stateless: each call re-scans from in[0] (a fixed header is at most 5
 * bytes), so the caller just keeps appending to its buffer and calls again.
 */
#ifndef MQTT_FRAME_H
#define MQTT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

struct mqtt_frame {
	uint8_t byte0;
	uint32_t remaining_length;
	size_t header_len; /* 1 + bytes of the Remaining Length */
	size_t total_len;  /* header_len + remaining_length */
};

/*
 * Returns 1: a complete packet starts at in[0]; *frame is filled.
 * 0: more bytes are needed. If the fixed header is already complete,
 *    header_len / remaining_length / total_len are filled, so a caller can
 *    refuse a huge claimed length before buffering it; else header_len = 0.
 * MQTT_ERR_MALFORMED: the Remaining Length runs past 4 bytes; diag offset is
 *    the 4th length byte (in[4]), rule MQTT_RULE_LENGTH_BYTES (3.1.1:
 *    "MQTTSPEC-2.2.3-1"). The fixed header is the same in every version;
 *    `v` names the clause.
 */
int mqtt_frame_next(enum mqtt_version v, const uint8_t *in, size_t len,
		    struct mqtt_frame *frame, struct mqtt_diag *diag);

#endif
