/*
 * ws_frame.h - WebSocket (RFC 6455) framing and the opening handshake's
 * key arithmetic, pure (no I/O), for the ws:// and wss:// transports.
 *
 * Frame layout:
 *   byte 0   FIN(1) RSV(3) opcode(4)
 *   byte 1   MASK(1) len(7): 0-125, 126 -> 16-bit length follows, 127 -> 64-bit
 *   [4-byte masking key if MASK]  payload
 * A client masks every frame it sends; a server never masks.
 */
#ifndef WS_FRAME_H
#define WS_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum ws_opcode {
	WS_CONTINUATION = 0x0,
	WS_TEXT = 0x1,
	WS_BINARY = 0x2,
	WS_CLOSE = 0x8,
	WS_PING = 0x9,
	WS_PONG = 0xA
};

struct ws_frame {
	int fin;
	int rsv;              /* the three RSV bits */
	int opcode;
	int masked;
	uint8_t mask[4];
	uint64_t payload_len;
	size_t header_len;
	const uint8_t *payload; /* into the input, still masked if masked */
};

/* Parse one frame header at in[0..len).
 * 1: a whole frame is there (header and payload); 0: need more (f->header_len
 * set once the header is complete, so a caller can refuse a huge length);
 * -1: malformed (a 64-bit length with the top bit set). */
int ws_frame_parse(const uint8_t *in, size_t len, struct ws_frame *f);

/* Copy a frame's payload, unmasking it. out must hold f->payload_len bytes. */
void ws_frame_unmask(const struct ws_frame *f, uint8_t *out);

/* Bytes ws_frame_encode writes for a payload of n bytes (masked). */
size_t ws_frame_size(size_t n);

/* A masked client frame with FIN set. Returns bytes written (ws_frame_size(n)). */
size_t ws_frame_encode(int opcode, const uint8_t mask[4], const uint8_t *payload, size_t n, uint8_t *out);

/* The same with FIN as given: 0 for every fragment of a message but the
 * last (a message split over frames, RFC 6455 5.4). */
size_t ws_frame_encode_part(int opcode, int fin, const uint8_t mask[4], const uint8_t *payload, size_t n, uint8_t *out);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
 * out holds at least 29 bytes. */
void ws_frame_accept(const char *key, char *out);

/* base64 of 16 bytes (a Sec-WebSocket-Key); out holds at least 25 bytes. */
void ws_frame_key(const uint8_t nonce[16], char *out);

#endif
