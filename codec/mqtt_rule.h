/*
 * mqtt_rule.h - which normative statement each rule of the codec is, per
 * protocol version.
 *
 * The codec finds rules (enum mqtt_rule, codec/mqtt.h) broken; a report
 * charges a broker with a clause of the catalog of its version
 * (cases/clauses/mqtt-3.1.1.json, mqtt-5.0.json). The same rule is a different statement
 * in 3.1.1 and 5.0, so the mapping is a table per version, not a literal
 * where the rule is checked.
 */
#ifndef MQTT_RULE_H
#define MQTT_RULE_H

#include "codec/mqtt.h"

/* The clause id of `rule` in version `v` ("MQTT-3.3.1-4", "MQTTSPEC-2.2.3-2"),
 * a constant string; NULL for MQTT_RULE_NONE, a value outside the enum, a
 * version we do not know, a rule the version does not have (the 5.0-only
 * rules from MQTT_RULE_V5_ONLY on in 3.1.1; CONNECT_PASSWORD and
 * PUBLISH_REFUSED in 5.0), and the two 5.0 rules whose clause depends on
 * the packet and the property (PROP_REPEATED, PROP_VALUE:
 * mqtt_prop_clause, codec/mqtt_prop.h, names it, and the diag carries it). */
const char *mqtt_rule_clause(enum mqtt_version v, enum mqtt_rule rule);

#endif
