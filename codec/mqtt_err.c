/* mqtt_err.c - names and messages of the MQTT_ERR_* codes, diag filling. */
#include "codec/mqtt_err.h"

#include <stdarg.h>
#include <stdio.h>

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
		  const char *clause, const char *fmt, ...)
{
	if (diag == NULL)
		return code;
	diag->offset = offset;
	diag->clause = clause;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
	va_end(ap);
	return code;
}
