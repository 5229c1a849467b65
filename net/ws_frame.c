/* ws_frame.c - see ws_frame.h. */
#include "net/ws_frame.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

int ws_frame_parse(const uint8_t *in, size_t len, struct ws_frame *f)
{
	memset(f, 0, sizeof *f);
	if (len < 2)
		return 0;
	f->fin = in[0] >> 7;
	f->rsv = (in[0] >> 4) & 7;
	f->opcode = in[0] & 0x0F;
	f->masked = in[1] >> 7;
	uint64_t l = in[1] & 0x7F;
	size_t h = 2;
	if (l == 126) {
		if (len < 4)
			return 0;
		l = (uint64_t)in[2] << 8 | in[3];
		h = 4;
	} else if (l == 127) {
		if (len < 10)
			return 0;
		l = 0;
		for (int i = 0; i < 8; i++)
			l = l << 8 | in[2 + i];
		if (l >> 63)
			return -1;
		h = 10;
	}
	if (f->masked) {
		if (len < h + 4)
			return 0;
		memcpy(f->mask, in + h, 4);
		h += 4;
	}
	f->header_len = h;
	f->payload_len = l;
	if (len - h < l)
		return 0;
	f->payload = in + h;
	return 1;
}

void ws_frame_unmask(const struct ws_frame *f, uint8_t *out)
{
	for (uint64_t i = 0; i < f->payload_len; i++)
		out[i] = f->masked ? (uint8_t)(f->payload[i] ^ f->mask[i & 3]) : f->payload[i];
}

size_t ws_frame_size(size_t n)
{
	return n + 4 + (n < 126 ? 2 : n <= 0xFFFF ? 4 : 10);
}

size_t ws_frame_encode(int opcode, const uint8_t mask[4], const uint8_t *payload, size_t n, uint8_t *out)
{
	return ws_frame_encode_part(opcode, 1, mask, payload, n, out);
}

size_t ws_frame_encode_part(int opcode, int fin, const uint8_t mask[4], const uint8_t *payload, size_t n, uint8_t *out)
{
	size_t h = 0;
	out[h++] = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0F));
	if (n < 126) {
		out[h++] = (uint8_t)(0x80 | n);
	} else if (n <= 0xFFFF) {
		out[h++] = 0x80 | 126;
		out[h++] = (uint8_t)(n >> 8);
		out[h++] = (uint8_t)n;
	} else {
		out[h++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			out[h++] = (uint8_t)((uint64_t)n >> (8 * i));
	}
	memcpy(out + h, mask, 4);
	h += 4;
	for (size_t i = 0; i < n; i++)
		out[h + i] = (uint8_t)(payload[i] ^ mask[i & 3]);
	return h + n;
}

void ws_frame_accept(const char *key, char *out)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	uint8_t md[SHA_DIGEST_LENGTH];
	char buf[128];
	size_t kl = strlen(key);
	if (kl > sizeof buf - sizeof guid)
		kl = sizeof buf - sizeof guid;
	memcpy(buf, key, kl);
	memcpy(buf + kl, guid, sizeof guid - 1);
	SHA1((const unsigned char *)buf, kl + sizeof guid - 1, md);
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
}

void ws_frame_key(const uint8_t nonce[16], char *out)
{
	EVP_EncodeBlock((unsigned char *)out, nonce, 16);
}
