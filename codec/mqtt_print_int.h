/*
 * mqtt_print_int.h - what the one-line prints of the two versions share
 * (mqtt_print.c, mqtt_print5.c), and nobody else uses.
 */
#ifndef MQTT_PRINT_INT_H
#define MQTT_PRINT_INT_H

#include <stddef.h>

#include "codec/mqtt.h"
#include "codec/mqtt_field_table.h"

#define STR_SHOWN 64
#define PAYLOAD_SHOWN 32

/* Appends like snprintf: counts everything, stores what fits. */
struct mqtt_out {
	char *buf;
	size_t cap;
	size_t len; /* wanted length so far */
};

void mqtt_put_c(struct mqtt_out *o, char c);
void mqtt_put_f(struct mqtt_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mqtt_put_s(struct mqtt_out *o, const char *s);
void mqtt_put_quoted(struct mqtt_out *o, struct mqtt_slice s, size_t max);
/* " tag=": a field by its short name in the field table. */
void mqtt_put_tag(struct mqtt_out *o, enum mqtt_field_id id);
#define TAG(id) mqtt_put_tag(o, MQTT_FIELD_##id)
void mqtt_put_id(struct mqtt_out *o, const struct mqtt_packet *p);
void mqtt_put_connect(struct mqtt_out *o, const struct mqtt_packet *p);
void mqtt_put_publish(struct mqtt_out *o, const struct mqtt_packet *p);

/* The 5.0 fields of a packet (mqtt_print5.c). */
void mqtt_put_fields_v5(struct mqtt_out *o, const struct mqtt_packet *p);

#endif
