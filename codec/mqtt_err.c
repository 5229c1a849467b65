/* mqtt_err.c - names and messages of the MQTT_ERR_* codes, diag filling. */
#include "codec/mqtt_err.h"

#include <stdarg.h>
#include <stdio.h>

#include "codec/mqtt_int.h"
#include "codec/mqtt_rule.h"

const char *mqtt_err_name(int code)
{
	if (code >= 0)
		return "OK";
	switch (code) {
#define XX(name, c, str) \
	case (c): \
		return #name;
		MQTT_ERR_MAP(XX)
#undef XX
	}
	return "UNKNOWN";
}

const char *mqtt_err_str(int code)
{
	if (code >= 0)
		return "success";
	switch (code) {
#define XX(name, c, str) \
	case (c): \
		return str;
		MQTT_ERR_MAP(XX)
#undef XX
	}
	return "unknown error";
}

int mqtt_err_diag(struct mqtt_diag *diag, int code, size_t offset,
		  enum mqtt_version v, enum mqtt_rule rule, const char *fmt,
		  ...)
{
	if (diag == NULL)
		return code;
	diag->offset = offset;
	diag->rule = rule;
	diag->clause = mqtt_rule_clause(v, rule);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
	va_end(ap);
	return code;
}

int mqtt_version_check(enum mqtt_version v, struct mqtt_diag *diag)
{
	if (v == MQTT_V311 || v == MQTT_V5)
		return 0;
	const char *name = mqtt_version_name(v);
	if (name == NULL)
		return mqtt_err_diag(diag, MQTT_ERR_UNSUPPORTED, 0, v,
				     MQTT_RULE_NONE, "protocol version %d",
				     (int)v);
	return mqtt_err_diag(diag, MQTT_ERR_UNSUPPORTED, 0, v, MQTT_RULE_NONE,
			     "MQTT %s is not supported yet", name);
}
