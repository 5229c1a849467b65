/*
 * mqtt_rule.h - which normative statement each rule of the codec is, per
 * protocol version.
 *
 * The codec finds rules (enum mqtt_rule, codec/mqtt.h) broken; a report
 * charges a broker with a clause of the catalog of its version
 * (cases/clauses/mqtt-3.1.1.json). The same rule is a different statement
 * in 3.1.1 and 5.0, so the mapping is a table per version, not a literal
 * where the rule is checked.
 */
#ifndef MQTT_RULE_H
#define MQTT_RULE_H

#include "codec/mqtt.h"

/* The clause id of `rule` in version `v` ("MQTT-3.3.1-4", "MQTTSPEC-2.2.3-2"),
 * a constant string; NULL for MQTT_RULE_NONE, a value outside the enum, or a
 * version whose table is not written yet (5.0). */
const char *mqtt_rule_clause(enum mqtt_version v, enum mqtt_rule rule);

#endif
