/*
 * mqtt_int.h - what the codec's own files share, and nobody else uses.
 */
#ifndef MQTT_INT_H
#define MQTT_INT_H

#include "codec/mqtt.h"

/* Propagate a negative code; keeps assignments out of conditions. */
#define TRY(expr) \
	do { \
		int try_e_ = (expr); \
		if (try_e_ < 0) \
			return try_e_; \
	} while (0)

/* 0 when the codec implements `v`, else MQTT_ERR_UNSUPPORTED with diag
 * (NULL allowed) saying so: every entry point taking a version starts here,
 * so a 5.0 call fails cleanly until 5.0 is written. */
int mqtt_version_check(enum mqtt_version v, struct mqtt_diag *diag);

#endif
