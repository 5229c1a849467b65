/*
 * fields.h - the packet fields a case may name, in one table that drives
 * the loader's validation, the packet builder (send) and the matcher (expect).
 */
#ifndef FIELDS_H
#define FIELDS_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "codec/mqtt.h"
#include "util/arena.h"
#include "util/err.h"
#include "case/tmpl.h"

enum fields_id {
	FIELDS_TYPE,
	FIELDS_FLAGS,
	FIELDS_DUP,
	FIELDS_QOS,
	FIELDS_RETAIN,
	FIELDS_REMAINING_LENGTH,
	FIELDS_REMAINING_LENGTH_BYTES,
	FIELDS_EXTRA,
	FIELDS_PROTOCOL_NAME,
	FIELDS_PROTOCOL_LEVEL,
	FIELDS_CONNECT_FLAGS,
	FIELDS_CLEAN_SESSION,
	FIELDS_KEEP_ALIVE,
	FIELDS_CLIENT_ID,
	FIELDS_WILL,
	FIELDS_USERNAME,
	FIELDS_PASSWORD,
	FIELDS_SESSION_PRESENT,
	FIELDS_ACK_FLAGS,
	FIELDS_RETURN_CODE,
	FIELDS_TOPIC,
	FIELDS_PAYLOAD,
	FIELDS_PACKET_ID,
	FIELDS_TOPICS,
	FIELDS_RETURN_CODES
};

enum fields_kind {
	FIELDS_KIND_TYPE,
	FIELDS_KIND_INT,
	FIELDS_KIND_BOOL,
	FIELDS_KIND_STR,   /* text; also NAME_hex and (send) NAME_length */
	FIELDS_KIND_BYTES, /* text or NAME_hex, no length prefix (payload) */
	FIELDS_KIND_HEX,   /* hex only (extra_hex) */
	FIELDS_KIND_WILL,
	FIELDS_KIND_TOPICS,
	FIELDS_KIND_CODES
};

enum fields_variant { FIELDS_PLAIN, FIELDS_HEX, FIELDS_LENGTH };

struct fields_def {
	const char *name;
	enum fields_id id;
	enum fields_kind kind;
	uint32_t types; /* bit (1 << mqtt_type) for each type that has the field */
	int send, expect;
	long lo, hi;
};

/* Look a JSON key up ("topic", "topic_hex", "topic_length"); NULL if unknown. */
const struct fields_def *fields_find(const char *key, enum fields_variant *variant);

/* Load-time check of a packet object for sending (mode 's') or matching ('e'):
 * known fields, right types, fields that exist for this type. */
int fields_validate(const cJSON *pkt, int mode, const char *path, struct err *e);

/* The packet type named by obj.type, or -1 (with e set). */
int fields_type(const cJSON *obj, const char *path, struct err *e);

/* Build a packet to send from a validated template. A CONNECT starts from
 * fields_connect_defaults with the case's version
 * and `default_client_id`; its fields override them. Every byte lives in the arena. */
int fields_build(const cJSON *tmpl, const struct tmpl_ctx *c, enum mqtt_version v, const char *default_client_id,
		 struct arena *a, struct mqtt_packet *out, struct err *e);

/* What every CONNECT mqttspec sends starts from (a case's, the synchronous
 * client's): protocol name "MQTT" and this level, clean session, keep-alive
 * 60 s, this client id. Other fields stay as mqtt_packet_init left them. */
void fields_connect_defaults(struct mqtt_packet *p, enum mqtt_version v, const char *client_id);

#endif
