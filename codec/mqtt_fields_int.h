/*
 * mqtt_fields_int.h - what the field walks of the two versions share
 * (mqtt_fields.c, mqtt_fields5.c), and nobody else uses.
 */
#ifndef MQTT_FIELDS_INT_H
#define MQTT_FIELDS_INT_H

#include "codec/mqtt_field_table.h"
#include "codec/mqtt_fields.h"

/* A field's label, as the field table gives it. */
#define L(id) mqtt_field_label(MQTT_FIELD_##id)

#define STR_SHOWN 64
#define PAYLOAD_SHOWN 48

struct mqtt_walk {
	enum mqtt_version v;
	const uint8_t *in;
	mqtt_field_fn *fn;
	void *arg;
};

void mqtt_walk_emit(const struct mqtt_walk *w, size_t off, size_t len,
		    const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Quoted, bounded, ASCII-only text of some bytes. */
void mqtt_walk_quote(char *buf, size_t cap, struct mqtt_slice s, size_t max);
/* Where a slice of the input starts. */
size_t mqtt_walk_at(const struct mqtt_walk *w, struct mqtt_slice s);
void mqtt_walk_str(const struct mqtt_walk *w, enum mqtt_field_id id,
		   const struct mqtt_str *s);
void mqtt_walk_pid(const struct mqtt_walk *w, size_t off, unsigned v);
void mqtt_walk_code(const struct mqtt_walk *w, size_t off,
		    enum mqtt_field_id id, enum mqtt_type t, uint8_t c);
void mqtt_walk_connect_flags(const struct mqtt_walk *w, size_t off, uint8_t f);

/* The 5.0 layout's fields after the fixed header (mqtt_fields5.c). */
void mqtt_walk_body_v5(const struct mqtt_walk *w, const struct mqtt_packet *p,
		       size_t hl, size_t len);

#endif
