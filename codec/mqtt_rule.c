/* mqtt_rule.c - the rule -> clause tables, one per protocol version. */
#include "codec/mqtt_rule.h"

#include <stddef.h>

/* MQTTSPEC-... are our own ids for rules the spec states without a number. */
static const char *const v311[MQTT_RULE_COUNT] = {
	[MQTT_RULE_NONE] = NULL,
	[MQTT_RULE_TYPE_RESERVED] = "MQTTSPEC-2.2.1-1",
	[MQTT_RULE_DIRECTION] = "MQTTSPEC-2.2.1-2",
	[MQTT_RULE_FLAGS_PUBREL] = "MQTT-3.6.1-1",
	[MQTT_RULE_FLAGS_SUBSCRIBE] = "MQTT-3.8.1-1",
	[MQTT_RULE_FLAGS_UNSUBSCRIBE] = "MQTT-3.10.1-1",
	[MQTT_RULE_FLAGS_OTHER] = "MQTT-2.2.2-1",
	[MQTT_RULE_PUBLISH_QOS3] = "MQTT-3.3.1-4",
	[MQTT_RULE_PUBLISH_DUP_QOS0] = "MQTT-3.3.1-2",
	[MQTT_RULE_PACKET_ID_ZERO] = "MQTT-2.3.1-1",
	[MQTT_RULE_SUBSCRIBE_EMPTY] = "MQTT-3.8.3-3",
	[MQTT_RULE_UNSUBSCRIBE_EMPTY] = "MQTT-3.10.3-2",
	[MQTT_RULE_SUBSCRIBE_QOS] = "MQTT-3.8.3-4",
	[MQTT_RULE_SUBACK_CODE] = "MQTT-3.9.3-2",
	[MQTT_RULE_CONNACK_FLAGS] = "MQTTSPEC-3.2.2-1",
	[MQTT_RULE_CONNACK_SESSION] = "MQTT-3.2.2-4",
	[MQTT_RULE_CONNACK_CODE] = "MQTTSPEC-3.2.2-2",
	[MQTT_RULE_CONNECT_RESERVED] = "MQTT-3.1.2-3",
	[MQTT_RULE_CONNECT_WILL_FLAGS] = "MQTT-3.1.2-11",
	[MQTT_RULE_CONNECT_WILL_QOS3] = "MQTT-3.1.2-14",
	[MQTT_RULE_CONNECT_PASSWORD] = "MQTT-3.1.2-22",
	[MQTT_RULE_TOPIC_EMPTY] = "MQTT-4.7.3-1",
	[MQTT_RULE_TOPIC_WILDCARD] = "MQTT-3.3.2-2",
	[MQTT_RULE_FILTER_HASH] = "MQTT-4.7.1-2",
	[MQTT_RULE_FILTER_PLUS] = "MQTT-4.7.1-3",
	[MQTT_RULE_UTF8_ILL_FORMED] = "MQTT-1.5.3-1",
	[MQTT_RULE_UTF8_NUL] = "MQTT-1.5.3-2",
	[MQTT_RULE_LENGTH_FIT] = "MQTTSPEC-2.2.3-2",
	[MQTT_RULE_LENGTH_BYTES] = "MQTTSPEC-2.2.3-1",
};

const char *mqtt_rule_clause(enum mqtt_version v, enum mqtt_rule rule)
{
	if ((unsigned)rule >= MQTT_RULE_COUNT)
		return NULL;
	switch (v) {
	case MQTT_V311:
		return v311[rule];
	case MQTT_V5: /* issue 11 writes its table */
		return NULL;
	}
	return NULL;
}
