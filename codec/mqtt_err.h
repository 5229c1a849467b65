/*
 * mqtt_err.h - the codec's error codes and the diagnostic helper.
 *
 * Every codec function returns an int: >= 0 is success (usually a byte
 * count), < 0 is one of the MQTT_ERR_* codes below. The enum, the names and
 * the messages all come from one X-macro table so they cannot drift apart.
 */
#ifndef MQTT_ERR_H
#define MQTT_ERR_H

#include <stddef.h>

#include "codec/mqtt.h"

#define MQTT_ERR_MAP(XX) \
	XX(MALFORMED, -1, "bytes do not form a valid packet of their type") \
	XX(VIOLATION, -2, "packet breaks a rule of the specification") \
	XX(BUFFER, -3, "output buffer too small") \
	XX(LIMIT, -4, "decoder limit exceeded") \
	XX(INVALID, -5, "value cannot be encoded") \
	XX(UNSUPPORTED, -6, "protocol version not supported yet")

enum mqtt_err {
#define XX(name, code, str) MQTT_ERR_##name = (code),
	MQTT_ERR_MAP(XX)
#undef XX
};

/* "MALFORMED", ..., "OK" for 0 (and any success value), "UNKNOWN" otherwise. */
const char *mqtt_err_name(int code);

/* The table's message, "success" for >= 0, "unknown error" otherwise. */
const char *mqtt_err_str(int code);

/*
 * Fill `diag` (ignored when NULL) with an offset, the rule broken (its
 * clause id is the one of version `v`, see codec/mqtt_rule.h;
 * MQTT_RULE_NONE: no clause) and a printf-formatted message, truncated to
 * fit. Returns `code`, so a failing path can be written as
 *   return mqtt_err_diag(diag, MQTT_ERR_MALFORMED, off, v, rule, "...", ...);
 * Shared by the codec files; harmless for others to use.
 */
int mqtt_err_diag(struct mqtt_diag *diag, int code, size_t offset,
		  enum mqtt_version v, enum mqtt_rule rule, const char *fmt,
		  ...) __attribute__((format(printf, 6, 7)));

#endif
