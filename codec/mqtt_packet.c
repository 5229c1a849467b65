/*
 * mqtt_packet.c - helpers of the shared packet model (codec/mqtt.h):
 * initialisation, the Table 2.2 fixed-header flags, type and version names.
 */
#include <stddef.h>
#include <string.h>

#include "codec/mqtt.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_reason.h"

static void str_init(struct mqtt_str *s)
{
	s->present = false;
	s->s.p = NULL;
	s->s.n = 0;
	s->len_override = -1;
}

/* All but the property items, which stay as they were. */
static void init_head(struct mqtt_packet *pkt, enum mqtt_type t)
{
	memset(pkt, 0, offsetof(struct mqtt_packet, props));
	pkt->type = t;
	str_init(&pkt->protocol_name);
	str_init(&pkt->client_id);
	str_init(&pkt->will_topic);
	str_init(&pkt->will_message);
	str_init(&pkt->username);
	str_init(&pkt->password);
	str_init(&pkt->topic);
	for (size_t i = 0; i < MQTT_MAX_ENTRIES; i++)
		str_init(&pkt->entries[i].filter);
	mqtt_props_reset(&pkt->props);
	mqtt_props_reset(&pkt->will_props);
}

void mqtt_packet_init(struct mqtt_packet *pkt, enum mqtt_type t)
{
	init_head(pkt, t);
	mqtt_props_init(&pkt->props);
	mqtt_props_init(&pkt->will_props);
}

void mqtt_packet_init_decoded(struct mqtt_packet *pkt, enum mqtt_type t)
{
	init_head(pkt, t);
}

void mqtt_props_reset(struct mqtt_props *props)
{
	props->present = false;
	props->len_override = -1;
	props->len_bytes = 0;
	props->count = 0;
}

void mqtt_prop_init(struct mqtt_prop *p)
{
	memset(p, 0, sizeof *p);
	str_init(&p->str);
	str_init(&p->value);
}

void mqtt_props_init(struct mqtt_props *props)
{
	mqtt_props_reset(props);
	for (size_t i = 0; i < MQTT_MAX_PROPS; i++)
		mqtt_prop_init(&props->items[i]);
}

int mqtt_type_required_flags(enum mqtt_type t)
{
	switch (t) {
	case MQTT_PUBREL:
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		return 0x2; /* [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] */
	case MQTT_CONNECT:
	case MQTT_CONNACK:
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBCOMP:
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
	case MQTT_DISCONNECT:
		return 0x0;
	case MQTT_PUBLISH: /* the nibble carries DUP, QoS and RETAIN */
	case MQTT_RESERVED0:
	case MQTT_RESERVED15:
		return -1;
	}
	return -1; /* a value outside the enum */
}

int mqtt_type_required_flags_v(enum mqtt_version v, enum mqtt_type t)
{
	if (v == MQTT_V5 && t == MQTT_AUTH)
		return 0x0; /* [MQTT-3.15.1-1] */
	return mqtt_type_required_flags(t);
}

static const char *const type_names[16] = {
	"RESERVED0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
	"PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE",
	"UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "RESERVED15",
};

const char *mqtt_type_name(enum mqtt_type t)
{
	if ((unsigned)t > 15)
		return "UNKNOWN";
	return type_names[t];
}

const char *mqtt_type_name_v(enum mqtt_version v, enum mqtt_type t)
{
	if (v == MQTT_V5 && t == MQTT_AUTH)
		return "AUTH";
	return mqtt_type_name(t);
}

/* ASCII-only case folding: type names are ASCII, and the locale must not
 * change what the harness accepts. */
static int fold(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static bool same_name(const char *a, const char *b);

int mqtt_type_from_name_v(enum mqtt_version v, const char *name)
{
	if (v == MQTT_V5 && name != NULL && same_name("AUTH", name))
		return MQTT_AUTH;
	if (v == MQTT_V5 && name != NULL && same_name("RESERVED15", name))
		return -1; /* 15 is AUTH in 5.0 */
	return mqtt_type_from_name(name);
}

/* `name` is `upper` whatever the case of its letters. */
static bool same_name(const char *upper, const char *name)
{
	while (*upper != '\0' && fold((unsigned char)*name) == *upper) {
		upper++;
		name++;
	}
	return *upper == '\0' && *name == '\0';
}

int mqtt_type_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (int t = 0; t < 16; t++) {
		const char *a = type_names[t];
		const char *b = name;
		while (*a != '\0' && fold((unsigned char)*b) == *a) {
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0')
			return t;
	}
	return -1;
}

void mqtt_packet_set_protocol(struct mqtt_packet *pkt, enum mqtt_version v)
{
	pkt->protocol_name.present = true;
	pkt->protocol_name.s.p = (const uint8_t *)"MQTT";
	pkt->protocol_name.s.n = 4;
	int level = mqtt_version_level(v);
	pkt->protocol_level = level < 0 ? 0 : (uint8_t)level;
}

int mqtt_version_level(enum mqtt_version v)
{
	switch (v) {
	case MQTT_V311:
	case MQTT_V5:
		return (int)v; /* the enum's values are the levels */
	}
	return -1;
}

const char *mqtt_version_name(enum mqtt_version v)
{
	switch (v) {
	case MQTT_V311:
		return "3.1.1";
	case MQTT_V5:
		return "5.0";
	}
	return NULL;
}

int mqtt_version_from_name(const char *name)
{
	if (name != NULL && strcmp(name, "3.1.1") == 0)
		return MQTT_V311;
	if (name != NULL && strcmp(name, "5.0") == 0)
		return MQTT_V5;
	return -1;
}

static const char *const connack_v311[] = {
	"accepted",
	"unacceptable protocol version",
	"identifier rejected",
	"server unavailable",
	"bad user name or password",
	"not authorized",
};

static const char *const suback_v311[] = {
	"granted QoS 0",
	"granted QoS 1",
	"granted QoS 2",
};

const char *mqtt_return_code_name(enum mqtt_version v, enum mqtt_type t,
				  unsigned code)
{
	if (v == MQTT_V5 && mqtt_reason_type(t)) {
		const char *name = mqtt_reason_name(t, code);
		return name ? name : "not a reason code of this packet";
	}
	if (v != MQTT_V311)
		return NULL;
	if (t == MQTT_CONNACK)
		return code < 6 ? connack_v311[code] : "reserved";
	if (t == MQTT_SUBACK && code <= 2)
		return suback_v311[code];
	if (t == MQTT_SUBACK)
		return code == 0x80 ? "failure" : "reserved";
	return NULL;
}
