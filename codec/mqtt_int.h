/*
 * mqtt_int.h - what the codec's own files share, and nobody else uses.
 */
#ifndef MQTT_INT_H
#define MQTT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/* mqtt_packet_init without setting the property items: for the decoder,
 * which sets each item it reads (mqtt_prop_init) and no other. */
void mqtt_packet_init_decoded(struct mqtt_packet *pkt, enum mqtt_type t);

/* A property block's head only: absent, empty, no override. */
void mqtt_props_reset(struct mqtt_props *props);

/* Propagate a negative code; keeps assignments out of conditions. */
#define TRY(expr) \
	do { \
		int try_e_ = (expr); \
		if (try_e_ < 0) \
			return try_e_; \
	} while (0)

/* 0 when the codec implements `v` (3.1.1, 5.0), else MQTT_ERR_UNSUPPORTED
 * with diag (NULL allowed) saying so: every entry point taking a version
 * starts here, so a value outside the enum fails cleanly. */
int mqtt_version_check(enum mqtt_version v, struct mqtt_diag *diag);

/* The encoder's writer, shared by the layouts of both versions: counts
 * only while out is NULL, so a first pass sizes and validates. */
struct mqtt_wr {
	uint8_t *out;
	size_t pos;
};

void mqtt_wr_u8(struct mqtt_wr *w, uint8_t v);
void mqtt_wr_u16(struct mqtt_wr *w, uint16_t v);
int mqtt_wr_bytes(struct mqtt_wr *w, struct mqtt_slice s);
int mqtt_wr_str(struct mqtt_wr *w, const struct mqtt_str *s);
void mqtt_wr_id(struct mqtt_wr *w, const struct mqtt_packet *p);
int mqtt_wr_props(struct mqtt_wr *w, const struct mqtt_props *props);

/* The 5.0 layout of every type (mqtt_encode5.c). */
int mqtt_wr_fields_v5(struct mqtt_wr *w, const struct mqtt_packet *p);

/* The decoder's bounded reader, shared by the layouts of both versions. */
struct mqtt_rd {
	enum mqtt_version v;
	const uint8_t *in;
	size_t pos; /* offset in `in` */
	size_t end; /* header_len + remaining_length */
	const char *type;
	struct mqtt_diag *diag;
};

size_t mqtt_rd_left(const struct mqtt_rd *r);
int mqtt_rd_u8(struct mqtt_rd *r, uint8_t *v, const char *field);
int mqtt_rd_u16(struct mqtt_rd *r, uint16_t *v, const char *field);
int mqtt_rd_str(struct mqtt_rd *r, struct mqtt_str *s, const char *field);
int mqtt_rd_done(struct mqtt_rd *r);
int mqtt_rd_fixed(struct mqtt_rd *r, size_t want, size_t header_len);
int mqtt_rd_too_many(struct mqtt_rd *r, const char *what);

/* The 5.0 layout of every type (mqtt_decode5.c). */
int mqtt_dec_body_v5(struct mqtt_rd *r, struct mqtt_packet *p, size_t hlen);

/* What every rule of mqtt_check needs: the version names its clause. */
struct mqtt_chk {
	enum mqtt_version v;
	struct mqtt_diag *diag;
};

#define MQTT_VIOLATION(c, rule, ...) \
	mqtt_err_diag((c)->diag, MQTT_ERR_VIOLATION, 0, (c)->v, (rule), \
		      __VA_ARGS__)

/* A string-level problem (`inner`) restated with the field's name in
 * front; index (size_t)-1 for a field that is not in a list. */
int mqtt_chk_field(const struct mqtt_chk *c, const struct mqtt_diag *inner,
		   const char *type, const char *name, size_t index);
/* The UTF-8 rules on a string field, when it is there. */
int mqtt_chk_utf8(const struct mqtt_chk *c, const struct mqtt_str *s,
		  const char *type, const char *name);

/* The 5.0 rules (mqtt_check5.c), and those of one property block in one
 * place (a packet type or MQTT_PROP_WILL; mqtt_check_props.c). */
int mqtt_check_v5(const struct mqtt_packet *pkt, enum mqtt_dir dir,
		  struct mqtt_diag *diag);
int mqtt_check_props(const struct mqtt_chk *c, const struct mqtt_props *props,
		     unsigned place);

#endif
