/*
 * cli_auth.h - --auth FILE: an enhanced-authentication exchange the user
 * declares for the run (MQTT 5.0, spec 4.12), since no broker announces one:
 *
 *   {"method": "SCRAM-SHA-1", "data": ["first", "second"]}
 *   {"method": "token", "data_hex": ["00ff"]}
 *
 * The first datum goes in the CONNECT of the cases that need an exchange
 * ({auth_data}); each next one answers the broker's next AUTH 0x18. The
 * data are masked in every report, as the password is.
 */
#ifndef CLI_AUTH_H
#define CLI_AUTH_H

#include <stddef.h>

#include "codec/mqtt.h"
#include "util/err.h"

#define CLI_AUTH_MAX_DATA 16

struct cli_auth {
	char *method;				/* NULL: none declared */
	struct mqtt_slice data[CLI_AUTH_MAX_DATA]; /* owned */
	size_t ndata;
	char *first_hex;			/* data[0] in hex */
};

/* 0, or -1 with "FILE: json.path: what is wrong". */
int cli_auth_load(const char *file, struct cli_auth *a, struct err *e);
void cli_auth_free(struct cli_auth *a);

#endif
