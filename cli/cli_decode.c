/*
 * cli_decode.c - mqttspec decode HEX...: bytes to packets, field by field.
 *
 * For someone learning the protocol or reading a capture: each packet of the
 * stream is framed (mqtt_frame_next), decoded (mqtt_decode) and checked
 * (mqtt_check) exactly as the engine does with what a broker sends, and the
 * clause a bad packet breaks is named with our summary from the catalog.
 * Exit status: 0 every packet is valid, 1 one breaks a rule (or is
 * malformed), 2 bad input (not hex, an odd number of digits, no bytes, the
 * input ends inside a packet).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "codec/mqtt_err.h"
#include "codec/mqtt_fields.h"
#include "codec/mqtt_frame.h"
#include "codec/mqtt_print.h"
#include "cli/cli.h"
#include "util/alloc.h"

#define BYTES_SHOWN 8

struct hexbuf {
	uint8_t *b;
	size_t n, cap;
	int half; /* a high nibble is waiting: -1 none, else its value */
};

static int nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Appends the hex digits of `s`; separators (space, comma, colon) and "0x"
 * prefixes are skipped. -1 with `bad` set to the offending character. */
static int hex_add(struct hexbuf *h, const char *s, size_t len, int *bad)
{
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (isspace(c) || c == ',' || c == ':')
			continue;
		if (c == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X') && h->half < 0 &&
		    (i == 0 || !isxdigit((unsigned char)s[i - 1]))) {
			i++;
			continue;
		}
		int v = nibble(c);
		if (v < 0) {
			*bad = c;
			return -1;
		}
		if (h->half < 0) {
			h->half = v;
			continue;
		}
		if (h->n == h->cap) {
			h->cap = h->cap ? 2 * h->cap : 256;
			h->b = alloc_resize(h->b, h->cap);
		}
		h->b[h->n++] = (uint8_t)(h->half << 4 | v);
		h->half = -1;
	}
	return 0;
}

static void print_field(void *arg, const struct mqtt_field *f)
{
	const uint8_t *in = arg;
	char bytes[3 * BYTES_SHOWN + 4] = "";
	size_t o = 0;
	for (size_t i = 0; i < f->len && i < BYTES_SHOWN; i++)
		o += (size_t)snprintf(bytes + o, sizeof bytes - o, i ? " %02x" : "%02x", in[f->offset + i]);
	if (f->len > BYTES_SHOWN)
		snprintf(bytes + o, sizeof bytes - o, " ..");
	printf("  %6zu  %-26s  %-18s  %s\n", f->offset, bytes, f->name, f->value);
}

/* "breaks ID (LEVEL, section S): our summary", or the bare id without a catalog. */
static void print_clause(const struct catalog *cat, enum mqtt_version v, const char *clause)
{
	const struct catalog_clause *c = cat ? catalog_find(cat, v, clause) : NULL;
	if (c)
		printf("  breaks %s (%s, section %s): %s\n", c->id, catalog_level_name(c->level), c->section, c->summary);
	else
		printf("  breaks %s\n", clause);
}

/* One packet of the stream, already framed. Returns 0 valid, 1 breaks a rule, 2 cannot judge. */
static int decode_one(enum mqtt_version v, const uint8_t *in, const struct mqtt_frame *f, size_t base,
		      enum mqtt_dir dir, const struct catalog *cat)
{
	struct mqtt_packet pkt;
	struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
	int r = mqtt_decode(v, in, f->total_len, &pkt, &d);
	if (r < 0) {
		printf("packet at offset %zu (%zu bytes): %s\n", base, f->total_len, mqtt_type_name_v(v, in[0] >> 4));
		printf("  %6s  %-26s  %-18s  %s\n", "offset", "bytes", "field", "value");
		mqtt_fields_header(v, in, f->total_len, f->header_len, print_field, (void *)in);
		if (f->total_len > f->header_len) {
			struct mqtt_field body = {f->header_len, f->total_len - f->header_len, "body", ""};
			snprintf(body.value, sizeof body.value, "%zu bytes, not decoded", body.len);
			print_field((void *)in, &body);
		}
		if (r == MQTT_ERR_LIMIT) {
			printf("  cannot decode: %s (a limit of mqttspec, not of the spec)\n", d.msg);
			return 2;
		}
		printf("  MALFORMED at offset %zu: %s\n", d.offset, d.msg);
		if (d.clause)
			print_clause(cat, v, d.clause);
		return 1;
	}
	char line[512];
	mqtt_print_v(v, &pkt, line, sizeof line);
	printf("packet at offset %zu (%zu bytes): %s\n", base, f->total_len, line);
	printf("  %6s  %-26s  %-18s  %s\n", "offset", "bytes", "field", "value");
	mqtt_fields_each(v, in, f->total_len, &pkt, print_field, (void *)in);
	if (mqtt_check(v, &pkt, dir, &d) < 0) {
		printf("  VIOLATION: %s\n", d.msg);
		if (d.clause)
			print_clause(cat, v, d.clause);
		return 1;
	}
	printf("  valid%s\n", dir == MQTT_FROM_ANY ? " (direction not checked: --from server|client)" : "");
	return 0;
}

static int read_input(struct hexbuf *h, int argc, char **argv)
{
	int bad = 0;
	if (argc > 0) {
		for (int i = 0; i < argc; i++)
			if (hex_add(h, argv[i], strlen(argv[i]), &bad) < 0)
				goto not_hex;
		return 0;
	}
	char buf[4096];
	for (;;) {
		size_t n = fread(buf, 1, sizeof buf, stdin);
		if (n == 0)
			return 0;
		if (hex_add(h, buf, n, &bad) < 0)
			goto not_hex;
	}
not_hex:
	if (isprint(bad))
		fprintf(stderr, "mqttspec: decode: '%c' is not a hex digit\n", bad);
	else
		fprintf(stderr, "mqttspec: decode: byte 0x%02x is not a hex digit\n", (unsigned)bad & 0xFFu);
	return -1;
}

/* --from: which side's rules apply. 0, or the exit status of a usage error. */
static int from_option(const struct cli_opts *o, enum mqtt_dir *dir)
{
	*dir = MQTT_FROM_ANY;
	if (o->from && strcmp(o->from, "server") == 0)
		*dir = MQTT_FROM_SERVER;
	else if (o->from && strcmp(o->from, "client") == 0)
		*dir = MQTT_FROM_CLIENT;
	else if (o->from && strcmp(o->from, "any") != 0)
		return cli_usage_error("--from: expected server, client or any, got \"%s\"", o->from);
	return 0;
}

/* The bytes, from the arguments or standard input: 0, or 2 (said why, h freed). */
static int read_bytes(struct hexbuf *h, int argc, char **argv)
{
	if (read_input(h, argc, argv) < 0) {
		free(h->b);
		return 2;
	}
	if (h->half >= 0) {
		free(h->b);
		fprintf(stderr, "mqttspec: decode: an odd number of hex digits (each byte takes two)\n");
		return 2;
	}
	if (h->n == 0) {
		fprintf(stderr, "mqttspec: decode: no bytes (give hex digits as arguments or on standard input)\n");
		return 2;
	}
	return 0;
}

/* A packet that cannot be framed (r < 0) or is cut short (r == 0): said,
 * and the stream ends there. The exit status it gives. */
static int frame_problem(enum mqtt_version v, const struct hexbuf *h, size_t off, int r, const struct mqtt_frame *f,
			 const struct mqtt_diag *d, const struct catalog *cat)
{
	if (r < 0) {
		printf("packet at offset %zu: MALFORMED at offset %zu: %s\n", off, d->offset, d->msg);
		if (d->clause)
			print_clause(cat, v, d->clause);
		printf("  (the stream cannot be followed past this packet)\n");
		return 1;
	}
	printf("packet at offset %zu: %s\n", off, mqtt_type_name_v(v, h->b[off] >> 4));
	printf("  %6s  %-26s  %-18s  %s\n", "offset", "bytes", "field", "value");
	mqtt_fields_header(v, h->b + off, h->n - off, f->header_len, print_field, h->b + off);
	if (f->header_len)
		printf("  INCOMPLETE: the packet takes %zu bytes, the input ends after %zu\n", f->total_len, h->n - off);
	else
		printf("  INCOMPLETE: the input ends inside the fixed header\n");
	return 2;
}

int cli_decode(struct cli_opts *o, int argc, char **argv)
{
	int ver = o->protocol ? mqtt_version_from_name(o->protocol) : MQTT_V311;
	if (ver < 0)
		return cli_usage_error("decode --protocol: expected 3.1.1 or 5.0, got \"%s\"", o->protocol);
	const enum mqtt_version v = (enum mqtt_version)ver;
	enum mqtt_dir dir;
	struct hexbuf h = {NULL, 0, 0, -1};
	int rc = from_option(o, &dir);
	if (rc || (rc = read_bytes(&h, argc, argv)))
		return rc;
	/* The catalog only adds our summary of a broken clause; decode works without it. */
	struct catalog cat;
	struct err e;
	int have_cat = cli_load_err(o, &cat, NULL, &e) == 0;
	size_t off = 0, npkt = 0, nbad = 0;
	while (off < h.n) {
		struct mqtt_frame f;
		struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
		int r = mqtt_frame_next(v, h.b + off, h.n - off, &f, &d);
		if (npkt++)
			putchar('\n');
		if (r <= 0) {
			nbad += r < 0;
			int fr = frame_problem(v, &h, off, r, &f, &d, have_cat ? &cat : NULL);
			rc = fr > rc ? fr : rc;
			break;
		}
		int one = decode_one(v, h.b + off, &f, off, dir, have_cat ? &cat : NULL);
		nbad += one != 0;
		rc = one > rc ? one : rc;
		off += f.total_len;
	}
	if (npkt > 1)
		printf("\n%zu packets, %zu %s\n", npkt, nbad, nbad == 1 ? "is not valid" : "are not valid");
	if (have_cat)
		catalog_free(&cat);
	free(h.b);
	return rc;
}
