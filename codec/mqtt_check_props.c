/*
 * mqtt_check_props.c - the rules on one 5.0 property block in one place:
 * each property defined, allowed there, not repeated where its section
 * forbids it, its value in range where the section bounds it, its strings
 * well-formed UTF-8; and the Property Length in its shortest form.
 *
 * A repeat and a bad value break a clause of the (place, property), which
 * the property table names: the diag's clause is set from it.
 */
#include <stdio.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_int.h"
#include "codec/mqtt_prop.h"
#include "codec/mqtt_utf8.h"

static int per_place(const struct mqtt_chk *c, enum mqtt_rule rule,
		     unsigned place, const char *where,
		     const struct mqtt_prop_def *def, const char *what)
{
	int r = MQTT_VIOLATION(c, rule, "%s: %s %s", where, def->name, what);
	if (c->diag != NULL)
		c->diag->clause = mqtt_prop_clause(rule, place, def->id);
	return r;
}

static bool seen_before(const struct mqtt_props *props, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (props->items[k].id == props->items[i].id)
			return true;
	return false;
}

/* The rule of its own a property's string breaks, where the spec states
 * one (either 1.5.4 rule); MQTT_RULE_NONE: the general one. */
static enum mqtt_rule own_string_rule(uint32_t id, unsigned place)
{
	if (id == 0x26)
		return MQTT_RULE_USER_PROPERTY_UTF8;
	if (place == MQTT_PUBLISH && id == 0x08)
		return MQTT_RULE_RESPONSE_TOPIC_UTF8;
	if (place == MQTT_PUBLISH && id == 0x03)
		return MQTT_RULE_CONTENT_TYPE_UTF8;
	return MQTT_RULE_NONE;
}

static int str_ok(const struct mqtt_chk *c, const struct mqtt_str *s,
		  const char *where, const struct mqtt_prop_def *def,
		  unsigned place)
{
	struct mqtt_diag inner = {0};
	if (mqtt_utf8_check(c->v, s->s.p, s->s.n, &inner) < 0) {
		enum mqtt_rule own = own_string_rule(def->id, place);
		if (own != MQTT_RULE_NONE)
			inner.rule = own;
		return mqtt_chk_field(c, &inner, where, def->name, (size_t)-1);
	}
	return 0;
}

static int value_ok(const struct mqtt_chk *c, const struct mqtt_prop *p,
		    const struct mqtt_prop_def *def, unsigned place,
		    const char *where)
{
	if (p->has_raw) /* raw bytes: the case chose them, none to judge */
		return 0;
	const char *vc = def->at[place].value;
	bool num = def->type <= MQTT_PROP_VBI;
	if (num && vc != NULL && (p->num < def->lo || p->num > def->hi)) {
		char what[64];
		snprintf(what, sizeof what, "%lu is outside %lu..%lu",
			 (unsigned long)p->num, (unsigned long)def->lo,
			 (unsigned long)def->hi);
		return per_place(c, MQTT_RULE_PROP_VALUE, place, where, def,
				 what);
	}
	if (def->type == MQTT_PROP_STR || def->type == MQTT_PROP_PAIR)
		TRY(str_ok(c, &p->str, where, def, place));
	if (def->type == MQTT_PROP_PAIR)
		TRY(str_ok(c, &p->value, where, def, place));
	return 0;
}

static int item_ok(const struct mqtt_chk *c, const struct mqtt_props *props,
		   size_t i, unsigned place, const char *where)
{
	const struct mqtt_prop *p = &props->items[i];
	const struct mqtt_prop_def *def = mqtt_prop_get(p->id);
	if (def == NULL)
		return MQTT_VIOLATION(c, MQTT_RULE_PROP_UNKNOWN,
				      "%s: property identifier 0x%02lx is not "
				      "defined",
				      where, (unsigned long)p->id);
	if (!mqtt_prop_allowed(def, place))
		return MQTT_VIOLATION(c, MQTT_RULE_PROP_NOT_ALLOWED,
				      "%s: %s is not allowed there", where,
				      def->name);
	const char *rc = def->at[place].repeated;
	if (rc != NULL && !mqtt_prop_may_repeat(def, place) &&
	    seen_before(props, i))
		return per_place(c, MQTT_RULE_PROP_REPEATED, place, where, def,
				 "appears more than once");
	return value_ok(c, p, def, place, where);
}

int mqtt_check_props(const struct mqtt_chk *c, const struct mqtt_props *props,
		     unsigned place)
{
	if (!props->present)
		return 0;
	char where[48];
	snprintf(where, sizeof where, "%s %s",
		 place == MQTT_PROP_WILL ? "CONNECT" : mqtt_prop_place_name(place),
		 place == MQTT_PROP_WILL ? "will properties" : "properties");
	int len = mqtt_props_length(props);
	uint32_t shown = props->len_override >= 0 ? (uint32_t)props->len_override
						  : (uint32_t)(len < 0 ? 0 : len);
	if (props->len_bytes > mqtt_vbi_size(shown))
		return MQTT_VIOLATION(c, MQTT_RULE_VBI_MINIMAL,
				      "%s: Property Length %lu in %u bytes",
				      where, (unsigned long)shown,
				      (unsigned)props->len_bytes);
	for (size_t i = 0; i < props->count && i < MQTT_MAX_PROPS; i++)
		TRY(item_ok(c, props, i, place, where));
	return 0;
}
