/*
 * mqtt_topic.h - Topic Names, Topic Filters and matching (spec 4.7).
 *
 * Levels are separated by '/'; empty levels are legal ("a//b", "/a").
 * Filters may use '+' (exactly one level) and '#' (this level and all below,
 * and the parent level itself: "a/#" matches "a"). Names never hold either.
 */
#ifndef MQTT_TOPIC_H
#define MQTT_TOPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/*
 * Topic Name rules, first problem wins; 0 or MQTT_ERR_VIOLATION with diag
 * (offset = index in s; the clauses are 3.1.1's, `v` names them):
 *   empty -> MQTT_RULE_TOPIC_EMPTY "MQTT-4.7.3-1"; bad UTF-8 -> see
 *   mqtt_utf8_check; '+' or '#' -> MQTT_RULE_TOPIC_WILDCARD "MQTT-3.3.2-2".
 */
int mqtt_topic_check_name(enum mqtt_version v, const uint8_t *s, size_t n,
			  struct mqtt_diag *diag);

/*
 * Topic Filter rules, first problem wins; 0 or MQTT_ERR_VIOLATION:
 *   empty -> MQTT_RULE_TOPIC_EMPTY "MQTT-4.7.3-1"; bad UTF-8 -> see
 *   mqtt_utf8_check; '#' not alone in its level or not the last level ->
 *   MQTT_RULE_FILTER_HASH "MQTT-4.7.1-2"; '+' not alone in its level ->
 *   MQTT_RULE_FILTER_PLUS "MQTT-4.7.1-3".
 */
int mqtt_topic_check_filter(enum mqtt_version v, const uint8_t *s, size_t n,
			    struct mqtt_diag *diag);

/*
 * Does `filter` match `name`? Assumes both are valid (a malformed filter
 * gives an unspecified but safe answer). A filter whose first character is
 * a wildcard never matches a name starting with '$' [MQTT-4.7.2-1].
 */
bool mqtt_topic_match(const uint8_t *filter, size_t fn, const uint8_t *name,
		      size_t nn);

#endif
