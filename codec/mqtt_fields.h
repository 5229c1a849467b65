/*
 * mqtt_fields.h - a packet as the list of its wire fields: where each field
 * starts, how many bytes it takes, its name and its value as text.
 *
 * The one place that lays a packet out for a reader: `mqttspec decode` (a
 * line per field) and the HTML report (the field table of each packet in a
 * wire trace) both print these, so a reader sees the same breakdown in
 * both. Values are plain ASCII: strings are quoted with printable ASCII as
 * is (\" and \\ escaped) and every other byte as \xNN, so they are safe on
 * a terminal; HTML still escapes them (< & "). The password is never shown.
 */
#ifndef MQTT_FIELDS_H
#define MQTT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

struct mqtt_field {
	size_t offset; /* first byte of the field in the packet */
	size_t len;    /* bytes it takes (a string: its 2-byte length too) */
	const char *name; /* its label in the field table (mqtt_field_table.h) */
	char value[200];
};

typedef void mqtt_field_fn(void *arg, const struct mqtt_field *f);

/* Calls fn for each field of `pkt`, in wire order: the fixed header, then
 * the fields of version `v`'s layout. `pkt` must be the successful
 * mqtt_decode() of in[0..len) (its slices point into `in`). 0, or
 * MQTT_ERR_UNSUPPORTED (nothing called) for a version not implemented.
 * In 5.0 a property block is a field of its own (its Property Length) and
 * then a field per property, named as the property table names it ("Topic
 * Alias"); reason codes show their names. */
int mqtt_fields_each(enum mqtt_version v, const uint8_t *in, size_t len,
		     const struct mqtt_packet *pkt, mqtt_field_fn *fn,
		     void *arg);

/* The fixed header only (type, flags, Remaining Length), for bytes that do
 * not decode: `header_len` is mqtt_frame_next()'s (0: just the first byte).
 * Nothing for len 0. 0, or MQTT_ERR_UNSUPPORTED as above. */
int mqtt_fields_header(enum mqtt_version v, const uint8_t *in, size_t len,
		       size_t header_len, mqtt_field_fn *fn, void *arg);

/*
 * For a reader of a trace: if in[0..len) is exactly one packet that
 * decodes, calls fn for each of its fields (mqtt_fields_each) and returns
 * len. Else nothing is called and the result is negative:
 * MQTT_ERR_MALFORMED with diag filled when framing or decoding found the
 * bytes malformed, or left untouched when they are simply not one whole
 * packet (cut short, or more than one); the codes of mqtt_decode otherwise.
 */
int mqtt_fields_decode(enum mqtt_version v, const uint8_t *in, size_t len,
		       mqtt_field_fn *fn, void *arg, struct mqtt_diag *diag);

#endif
