/* engine_alias.c - a connection's Topic Alias mappings (engine_alias.h). */
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_prop.h"
#include "engine/engine_alias.h"
#include "util/alloc.h"

void engine_alias_reset(struct engine_alias *a)
{
	for (size_t i = 0; i < a->n; i++)
		free((void *)a->topic[i].p);
	free(a->topic);
	a->topic = NULL;
	a->n = 0;
}

static void alias_set(struct engine_alias *a, uint32_t alias, struct mqtt_slice t)
{
	if (alias > a->n) {
		a->topic = alloc_resize(a->topic, (size_t)alias * sizeof *a->topic);
		memset(a->topic + a->n, 0, ((size_t)alias - a->n) * sizeof *a->topic);
		a->n = alias;
	}
	struct mqtt_slice *s = &a->topic[alias - 1];
	free((void *)s->p);
	uint8_t *copy = alloc_bytes(t.n ? t.n : 1);
	memcpy(copy, t.p, t.n);
	*s = (struct mqtt_slice){copy, t.n};
}

int engine_alias_take(struct engine_alias *a, const struct mqtt_packet *p, struct mqtt_slice *topic)
{
	const struct mqtt_prop *ta = p->type == MQTT_PUBLISH ? mqtt_props_get(&p->props, "topic_alias") : NULL;
	uint32_t alias = ta ? ta->num : 0;
	if (!alias)
		return 0;
	if (p->topic.s.n) {
		alias_set(a, alias, p->topic.s);
		return 0;
	}
	if (alias > a->n || !a->topic[alias - 1].p)
		return 0;
	*topic = a->topic[alias - 1];
	return 1;
}
