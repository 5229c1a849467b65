/*
 * fields.h - the packet fields a case may name: the codec's field table
 * (codec/mqtt_field_table.h) and what the case language adds to it drive
 * the loader's validation, the packet builder (send) and the matcher (expect).
 */
#ifndef FIELDS_H
#define FIELDS_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "codec/mqtt.h"
#include "codec/mqtt_field_table.h"
#include "util/arena.h"
#include "util/err.h"
#include "case/tmpl.h"

/* How a case spells a field's value: as it is, as hex ("topic_hex"), or
 * with the 2-byte length prefix overridden ("topic_length", send only). */
enum fields_variant { FIELDS_PLAIN, FIELDS_HEX, FIELDS_LENGTH };

/* What the case language adds to a codec field (codec/mqtt_field_table.h,
 * which has its key, types, kind and range): whether a case may send it,
 * and whether it may match it. */
struct fields_def {
	enum mqtt_field_id id;
	int send, expect;
};

/* Look a JSON key of a packet object up ("topic", "topic_hex",
 * "topic_length") among the fields of version `v`; NULL if unknown. */
const struct fields_def *fields_find(const char *key, enum mqtt_version v, enum fields_variant *variant);

/* The same for a key of a part of field `parent` ("topic" of "will",
 * "filter_hex" of a "topics" entry): the codec row, or NULL if unknown. */
const struct mqtt_field_def *fields_find_part(enum mqtt_field_id parent, const char *key, enum mqtt_version v,
					      enum fields_variant *variant);

/* Every field a case may name at the top of a packet object; *n of them. */
const struct fields_def *fields_all(size_t *n);

/* Load-time check of a packet object for sending (mode 's') or matching ('e'):
 * known fields, right types, fields that exist for this type. */
int fields_validate(enum mqtt_version v, const cJSON *pkt, int mode, const char *path, struct err *e);

/* The packet type named by obj.type in version v (5.0 has AUTH), or -1
 * (with e set). */
int fields_type(enum mqtt_version v, const cJSON *obj, const char *path, struct err *e);

/* The type named `name` in version v; -1 if none. */
int fields_type_from_name(enum mqtt_version v, const char *name);

/* Build a packet to send from a validated template. A CONNECT starts from
 * fields_connect_defaults with the case's version
 * and `default_client_id`; its fields override them. Every byte lives in the arena. */
int fields_build(const cJSON *tmpl, const struct tmpl_ctx *c, enum mqtt_version v, const char *default_client_id,
		 struct arena *a, struct mqtt_packet *out, struct err *e);

/* What every CONNECT mqttspec sends starts from (a case's, the synchronous
 * client's): protocol name "MQTT" and this level, clean session (5.0: Clean
 * Start), keep-alive 60 s, this client id; in 5.0 an empty property block.
 * Other fields stay as mqtt_packet_init left them. */
void fields_connect_defaults(struct mqtt_packet *p, enum mqtt_version v, const char *client_id);

#endif
