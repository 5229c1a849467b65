/* mqtt_frame.c - stream framing by fixed header (spec 2.2). */
#include "codec/mqtt_frame.h"

#include "codec/mqtt_varint.h"

int mqtt_frame_next(enum mqtt_version v, const uint8_t *in, size_t len,
		    struct mqtt_frame *frame, struct mqtt_diag *diag)
{
	frame->byte0 = len > 0 ? in[0] : 0;
	frame->remaining_length = 0;
	frame->header_len = 0;
	frame->total_len = 0;
	if (len == 0)
		return 0;

	uint32_t rl = 0;
	int r = mqtt_varint_decode(v, in + 1, len - 1, &rl, diag);
	if (r < 0) {
		if (diag != NULL)
			diag->offset += 1; /* relative to byte 0, not to in[1] */
		return r;
	}
	if (r == 0)
		return 0;
	frame->remaining_length = rl;
	frame->header_len = 1 + (size_t)r;
	frame->total_len = frame->header_len + rl;
	return len >= frame->total_len ? 1 : 0;
}
