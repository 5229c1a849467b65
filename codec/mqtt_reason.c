/* mqtt_reason.c - the 5.0 reason code tables (see mqtt_reason.h). */
#include "codec/mqtt_reason.h"

#define T(x) (1u << MQTT_##x)
/* The types whose tables hold most error codes. */
#define ACKS (T(PUBACK) | T(PUBREC))
#define ERR5 (T(CONNACK) | ACKS | T(SUBACK) | T(UNSUBACK) | T(DISCONNECT))
#define CD (T(CONNACK) | T(DISCONNECT))
#define REASON_TYPES                                                         \
	(T(CONNACK) | ACKS | T(PUBREL) | T(PUBCOMP) | T(SUBACK) |             \
	 T(UNSUBACK) | T(DISCONNECT) | T(AUTH))

static const struct reason {
	uint8_t code;
	uint32_t types; /* a bit per packet type whose table holds it */
	const char *name;
} reasons[] = {
	{0x00, REASON_TYPES, "Success"},
	{0x01, T(SUBACK), "Granted QoS 1"},
	{0x02, T(SUBACK), "Granted QoS 2"},
	{0x04, T(DISCONNECT), "Disconnect with Will Message"},
	{0x10, ACKS, "No matching subscribers"},
	{0x11, T(UNSUBACK), "No subscription existed"},
	{0x18, T(AUTH), "Continue authentication"},
	{0x19, T(AUTH), "Re-authenticate"},
	{0x80, ERR5, "Unspecified error"},
	{0x81, CD, "Malformed Packet"},
	{0x82, CD, "Protocol Error"},
	{0x83, ERR5, "Implementation specific error"},
	{0x84, T(CONNACK), "Unsupported Protocol Version"},
	{0x85, T(CONNACK), "Client Identifier not valid"},
	{0x86, T(CONNACK), "Bad User Name or Password"},
	{0x87, ERR5, "Not authorized"},
	{0x88, T(CONNACK), "Server unavailable"},
	{0x89, CD, "Server busy"},
	{0x8A, T(CONNACK), "Banned"},
	{0x8B, T(DISCONNECT), "Server shutting down"},
	{0x8C, T(CONNACK), "Bad authentication method"},
	{0x8D, T(DISCONNECT), "Keep Alive timeout"},
	{0x8E, T(DISCONNECT), "Session taken over"},
	{0x8F, T(SUBACK) | T(UNSUBACK) | T(DISCONNECT), "Topic Filter invalid"},
	{0x90, T(CONNACK) | ACKS | T(DISCONNECT), "Topic Name invalid"},
	{0x91, ACKS | T(SUBACK) | T(UNSUBACK), "Packet Identifier in use"},
	{0x92, T(PUBREL) | T(PUBCOMP), "Packet Identifier not found"},
	{0x93, T(DISCONNECT), "Receive Maximum exceeded"},
	{0x94, T(DISCONNECT), "Topic Alias invalid"},
	{0x95, CD, "Packet too large"},
	{0x96, T(DISCONNECT), "Message rate too high"},
	{0x97, T(CONNACK) | ACKS | T(SUBACK) | T(DISCONNECT), "Quota exceeded"},
	{0x98, T(DISCONNECT), "Administrative action"},
	{0x99, T(CONNACK) | ACKS | T(DISCONNECT), "Payload format invalid"},
	{0x9A, CD, "Retain not supported"},
	{0x9B, CD, "QoS not supported"},
	{0x9C, CD, "Use another server"},
	{0x9D, CD, "Server moved"},
	{0x9E, T(SUBACK) | T(DISCONNECT), "Shared Subscriptions not supported"},
	{0x9F, CD, "Connection rate exceeded"},
	{0xA0, T(DISCONNECT), "Maximum connect time"},
	{0xA1, T(SUBACK) | T(DISCONNECT),
	 "Subscription Identifiers not supported"},
	{0xA2, T(SUBACK) | T(DISCONNECT), "Wildcard Subscriptions not supported"},
};

#define COUNT (sizeof reasons / sizeof reasons[0])

static const struct reason *find(unsigned code)
{
	for (size_t i = 0; i < COUNT; i++)
		if (reasons[i].code == code)
			return &reasons[i];
	return NULL;
}

bool mqtt_reason_type(enum mqtt_type t)
{
	return (unsigned)t < 16 && (REASON_TYPES & (1u << t)) != 0;
}

bool mqtt_reason_allowed(enum mqtt_type t, unsigned code)
{
	const struct reason *r = find(code);
	return r != NULL && (unsigned)t < 16 && (r->types & (1u << t)) != 0;
}

const char *mqtt_reason_name(enum mqtt_type t, unsigned code)
{
	if (!mqtt_reason_allowed(t, code))
		return NULL;
	if (code == 0 && t == MQTT_DISCONNECT)
		return "Normal disconnection";
	if (code == 0 && t == MQTT_SUBACK)
		return "Granted QoS 0";
	return find(code)->name;
}

const char *mqtt_reason_any_name(unsigned code)
{
	const struct reason *r = find(code);
	return r ? r->name : NULL;
}

size_t mqtt_reason_codes(enum mqtt_type t, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < COUNT; i++) {
		if (!mqtt_reason_allowed(t, reasons[i].code))
			continue;
		if (n < cap)
			out[n] = reasons[i].code;
		n++;
	}
	return n;
}
