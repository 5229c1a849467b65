/* conn_ws.c - the WebSocket layer (RFC 6455) of ws:// and wss://: the HTTP/1.1
 * upgrade asking for the "mqtt" sub-protocol, masked binary frames out (or,
 * when a case asks, text frames, a write split over continuation frames, two
 * writes in one frame), frames in (MQTT packets may be split across frames or
 * share one), ping/pong and close handled. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/conn_int.h"
#include "util/alloc.h"
#include "net/ws_frame.h"

/* No answer header or frame we accept is bigger than this. */
#define WS_MAX_HEADER 8192
#define WS_MAX_FRAME (16u << 20)

static void random_bytes(uint8_t *b, size_t n)
{
	if (RAND_bytes(b, (int)n) != 1)
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)rand();
}

int conn_ws_begin(struct conn *c, struct err *e)
{
	(void)e;
	uint8_t nonce[16];
	random_bytes(nonce, sizeof nonce);
	ws_frame_key(nonce, c->ws_key);
	int v6 = strchr(c->ep->host, ':') != NULL;
	char req[1024];
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			 "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
			 c->ep->path, v6 ? "[" : "", c->ep->host, v6 ? "]" : "", c->ep->port, c->ws_key);
	conn_queue(c, (const uint8_t *)req, (size_t)n);
	c->rawn = 0;
	return 0;
}

/* The value of header `name` in the answer (a copy, trimmed), or NULL. */
static const char *header(const char *hdrs, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *l = strstr(hdrs, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
		const char *h = l + 2;
		if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			const char *v = h + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vl = strcspn(v, "\r\n");
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			snprintf(out, n, "%.*s", (int)vl, v);
			return out;
		}
	}
	return NULL;
}

static int has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok);
	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		size_t l = strcspn(p, " \t,");
		if (l == tl && strncasecmp(p, tok, tl) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* The sub-protocol of a 101 answer: kept for a case's open step, and, when it
 * is not "mqtt", the broker's fault (MQTT-6.0.0-4), not the set-up's. */
static void check_subprotocol(struct conn *c, const char *hdrs)
{
	char v[256];
	int has = header(hdrs, "Sec-WebSocket-Protocol", v, sizeof v) != NULL;
	int ok = has && strcmp(v, "mqtt") == 0;
	snprintf(c->setup_note, sizeof c->setup_note, "the WebSocket upgrade selected sub-protocol %s%s%s%s",
		 has ? "\"" : "none", has ? v : "", has ? "\"" : "", ok ? "" : ", not \"mqtt\"");
	if (ok)
		return;
	c->violation = c->setup_violation = CONN_RULE_WS_SUBPROTOCOL;
	snprintf(c->violation_msg, sizeof c->violation_msg, "%s", c->setup_note);
}

int conn_ws_step(struct conn *c, struct err *e)
{
	for (;;) {
		if (c->rawn + 1024 > c->rawcap) {
			c->rawcap = c->rawn + 4096;
			c->raw = alloc_resize(c->raw, c->rawcap);
		}
		long r = conn_raw_read(c, c->raw + c->rawn, c->rawcap - c->rawn - 1, e);
		if (r == -2)
			return 0;
		if (r < 0)
			return err_prefix(e, "%s: WebSocket upgrade", c->ep->url);
		if (r == 0)
			return err_set(e, "%s: the server closed the connection instead of answering the WebSocket upgrade", c->ep->url);
		c->rawn += (size_t)r;
		c->raw[c->rawn] = '\0';
		char *end = strstr((char *)c->raw, "\r\n\r\n");
		if (!end) {
			if (c->rawn > WS_MAX_HEADER)
				return err_set(e, "%s: the answer to the WebSocket upgrade has no end of headers in %d bytes", c->ep->url, WS_MAX_HEADER);
			continue;
		}
		size_t hlen = (size_t)(end - (char *)c->raw) + 4;
		char *hdrs = alloc_bytes(hlen + 1);
		memcpy(hdrs, c->raw, hlen);
		hdrs[hlen] = '\0';
		/* Bytes after the headers are already WebSocket frames. */
		memmove(c->raw, c->raw + hlen, c->rawn - hlen);
		c->rawn -= hlen;
		char v[256], want[64];
		int rc = 1;
		size_t sl = strcspn(hdrs, "\r\n");
		if (strncmp(hdrs, "HTTP/1.1 101", 12) != 0) {
			rc = err_set(e, "%s: the server answered \"%.*s\" instead of upgrading to WebSocket (is this a WebSocket endpoint? check the path)",
				     c->ep->url, (int)(sl > 120 ? 120 : sl), hdrs);
		} else if (!header(hdrs, "Upgrade", v, sizeof v) || strcasecmp(v, "websocket") != 0) {
			rc = err_set(e, "%s: the 101 answer lacks \"Upgrade: websocket\"", c->ep->url);
		} else if (!header(hdrs, "Connection", v, sizeof v) || !has_token(v, "upgrade")) {
			rc = err_set(e, "%s: the 101 answer lacks \"Connection: Upgrade\"", c->ep->url);
		} else {
			ws_frame_accept(c->ws_key, want);
			if (!header(hdrs, "Sec-WebSocket-Accept", v, sizeof v) || strcmp(v, want) != 0)
				rc = err_set(e, "%s: Sec-WebSocket-Accept is \"%s\", expected \"%s\"", c->ep->url,
					     header(hdrs, "Sec-WebSocket-Accept", v, sizeof v) ? v : "(missing)", want);
		}
		if (rc == 1)
			check_subprotocol(c, hdrs);
		free(hdrs);
		return rc;
	}
}

static void send_frame(struct conn *c, int opcode, int fin, const uint8_t *b, size_t n)
{
	uint8_t mask[4];
	random_bytes(mask, sizeof mask);
	size_t sz = ws_frame_size(n);
	uint8_t *f = alloc_bytes(sz);
	ws_frame_encode_part(opcode, fin, mask, b, n, f);
	conn_queue(c, f, sz);
	free(f);
}

void conn_ws_send(struct conn *c, int opcode, const uint8_t *b, size_t n)
{
	send_frame(c, opcode, 1, b, n);
}

int conn_ws_arm(struct conn *c, const struct conn_ws_send *o, size_t n, struct err *e)
{
	if (!c->ep || !c->ep->ws)
		return err_set(e, "WebSocket framing asked on a connection that is not WebSocket (%s)",
			       c->ep ? c->ep->url : "not open");
	for (size_t i = 0; i < o->nsplit; i++)
		if (o->split[i] >= c->heldn + n)
			return err_set(e, "split offset %zu is not inside the %zu bytes sent", o->split[i], c->heldn + n);
	c->ws_next = *o;
	c->ws_armed = 1;
	return 0;
}

size_t conn_ws_held(const struct conn *c)
{
	return c->heldn;
}

void conn_ws_write(struct conn *c, const struct conn_ws_send *o, const uint8_t *b, size_t n)
{
	if (o && o->hold) {
		c->held = alloc_resize(c->held, c->heldn + n + 1);
		memcpy(c->held + c->heldn, b, n);
		c->heldn += n;
		return;
	}
	/* Held bytes go first, in the same frame(s): two packets in one frame. */
	uint8_t *joined = NULL;
	if (c->heldn) {
		joined = alloc_bytes(c->heldn + n);
		memcpy(joined, c->held, c->heldn);
		memcpy(joined + c->heldn, b, n);
		b = joined;
		n += c->heldn;
		free(c->held);
		c->held = NULL;
		c->heldn = 0;
	}
	size_t parts = o ? o->nsplit + 1 : 1, start = 0;
	for (size_t i = 0; i < parts; i++) {
		size_t end = i + 1 < parts ? o->split[i] : n;
		send_frame(c, i == 0 ? (o ? o->opcode : WS_BINARY) : WS_CONTINUATION, i + 1 == parts, b + start, end - start);
		start = end;
	}
	free(joined);
}

static void app_add(struct conn *c, const uint8_t *b, size_t n)
{
	if (n == 0) /* an empty frame: app may still be NULL, and NULL + 0 is undefined */
		return;
	if (c->appoff == c->appn)
		c->appoff = c->appn = 0;
	if (c->appn + n > c->appcap) {
		c->appcap = (c->appn + n) * 2;
		c->app = alloc_resize(c->app, c->appcap);
	}
	memcpy(c->app + c->appn, b, n);
	c->appn += n;
}

/* One frame from the server, its payload unmasked in p. 0, or -1 (e set). */
static int on_frame(struct conn *c, const struct ws_frame *f, const uint8_t *p, struct err *e)
{
	switch (f->opcode) {
	case WS_BINARY:
	case WS_CONTINUATION:
		app_add(c, p, f->payload_len);
		return 0;
	case WS_PING:
		conn_ws_send(c, WS_PONG, p, f->payload_len);
		return 0;
	case WS_PONG:
		return 0;
	case WS_CLOSE:
		conn_ws_send(c, WS_CLOSE, p, f->payload_len >= 2 ? 2 : 0);
		c->peer_closed = 1;
		return 0;
	case WS_TEXT:
		/* Reported as the broker's FAIL; the bytes are still read, so the
		 * run goes on and shows what else the broker does. */
		if (!c->text_seen) {
			c->violation = CONN_RULE_WS_BINARY;
			snprintf(c->violation_msg, sizeof c->violation_msg,
				 "the broker sent a WebSocket text frame (%llu bytes); MQTT travels in binary frames",
				 (unsigned long long)f->payload_len);
			c->text_seen = 1;
		}
		app_add(c, p, f->payload_len);
		return 0;
	default:
		return err_set(e, "WebSocket: unknown opcode 0x%x", f->opcode);
	}
}

/* Handle every complete frame in raw. 0, or -1 (e set) on a protocol error. */
static int deframe(struct conn *c, struct err *e)
{
	size_t off = 0;
	int rc = 0;
	while (off < c->rawn && !c->peer_closed) {
		struct ws_frame f;
		int r = ws_frame_parse(c->raw + off, c->rawn - off, &f);
		if (r < 0 || (f.header_len && f.payload_len > WS_MAX_FRAME)) {
			rc = err_set(e, "WebSocket: a frame of %llu bytes, over the %u-byte limit", (unsigned long long)f.payload_len,
				     WS_MAX_FRAME);
			break;
		}
		if (r == 0)
			break;
		if (f.masked || f.rsv) {
			rc = err_set(e, "WebSocket: the server sent a %s frame (RFC 6455 5.1/5.2)", f.masked ? "masked" : "RSV-flagged");
			break;
		}
		uint8_t *p = alloc_bytes(f.payload_len);
		ws_frame_unmask(&f, p);
		rc = on_frame(c, &f, p, e);
		free(p);
		off += f.header_len + f.payload_len;
		if (rc < 0)
			break;
	}
	memmove(c->raw, c->raw + off, c->rawn - off);
	c->rawn -= off;
	struct err fe;
	conn_flush(c, &fe);
	return rc;
}

long conn_ws_read(struct conn *c, uint8_t *buf, size_t n, struct err *e)
{
	for (;;) {
		if (c->appoff < c->appn) {
			size_t k = c->appn - c->appoff < n ? c->appn - c->appoff : n;
			memcpy(buf, c->app + c->appoff, k);
			c->appoff += k;
			return (long)k;
		}
		if (c->peer_closed)
			return 0;
		if (c->rawn + 65536 > c->rawcap) {
			c->rawcap = c->rawn + 65536;
			c->raw = alloc_resize(c->raw, c->rawcap);
		}
		long r = conn_raw_read(c, c->raw + c->rawn, c->rawcap - c->rawn, e);
		if (r == 0 || r == -1)
			return r;
		if (r > 0)
			c->rawn += (size_t)r;
		if (deframe(c, e) < 0)
			return -1;
		if (r == -2 && c->appoff == c->appn && !c->peer_closed)
			return -2;
	}
}

int conn_ws_pending(const struct conn *c)
{
	if (c->appoff < c->appn || c->peer_closed)
		return 1;
	struct ws_frame f;
	return c->rawn && ws_frame_parse(c->raw, c->rawn, &f) == 1;
}
