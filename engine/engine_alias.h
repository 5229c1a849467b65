/*
 * engine_alias.h - the Topic Aliases a broker sets up on one connection
 * (spec 3.3.2.3.4), so that a step matches an aliased PUBLISH by the topic
 * it stands for. Accepting every alias up to the client's own Topic Alias
 * Maximum is the client's duty (MQTT-3.3.2-10); whether the broker kept to
 * that maximum is the monitors' to judge (engine_monitor_limits.c).
 */
#ifndef ENGINE_ALIAS_H
#define ENGINE_ALIAS_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

struct engine_alias {
	struct mqtt_slice *topic; /* [alias - 1]: owned copies; p NULL when unset */
	size_t n;
};

/* Forget every mapping: none carries over to a new connection (MQTT-3.3.2-7). */
void engine_alias_reset(struct engine_alias *a);

/* A PUBLISH of 5.0 with a Topic Alias: a topic name sets the mapping, an
 * empty one uses it. 1 with *topic the name an empty one stands for; 0 when
 * there is nothing to put in its place (no alias, a name given, or an alias
 * never set, which the step then sees as it came). */
int engine_alias_take(struct engine_alias *a, const struct mqtt_packet *p, struct mqtt_slice *topic);

#endif
