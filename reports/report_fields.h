/*
 * report_fields.h - a decoded packet as a list of wire fields: where each
 * field starts, how many bytes it takes, its name and its value as text.
 *
 * Shared by `mqttspec decode` (one line per field) and the HTML report (the
 * field table of each packet in a wire trace), so a reader sees the same
 * breakdown in both. Values are plain ASCII: strings are quoted with
 * printable ASCII as is (\" and \\ escaped) and every other byte as \xNN, so
 * they are safe on a terminal; HTML still escapes them (< & ").
 */
#ifndef REPORT_FIELDS_H
#define REPORT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

struct report_field {
	size_t offset;   /* first byte of the field in the packet */
	size_t len;      /* bytes it takes (a string: its 2-byte length too) */
	const char *name;
	char value[200];
};

/* Calls fn for each field of `pkt`, in wire order. `pkt` must be the
 * successful mqtt_decode() of in[0..len) (its slices point into `in`). */
void report_fields_each(const uint8_t *in, size_t len, const struct mqtt_packet *pkt,
			void (*fn)(void *arg, const struct report_field *f), void *arg);

/* The fixed header only (type, flags, Remaining Length), for bytes that do
 * not decode: `header_len` is mqtt_frame_next()'s (0: just the first byte). */
void report_fields_header(const uint8_t *in, size_t len, size_t header_len,
			  void (*fn)(void *arg, const struct report_field *f), void *arg);

#endif
