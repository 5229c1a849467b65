/*
 * mqtt_utf8.h - the rules for UTF-8 encoded strings (spec 1.5.3).
 *
 * Well-formed means the shortest-form sequences of RFC 3629 / Unicode
 * Table 3-7:
 *   00..7F | C2..DF 80..BF | E0 A0..BF 80..BF | E1..EC,EE..EF 80..BF 80..BF
 *   | ED 80..9F 80..BF | F0 90..BF 80..BF 80..BF | F1..F3 (80..BF){3}
 *   | F4 80..8F 80..BF 80..BF
 * EF BB BF (U+FEFF) is an ordinary character and is accepted [MQTT-1.5.3-3].
 */
#ifndef MQTT_UTF8_H
#define MQTT_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/*
 * 0 if s[0..n) is well-formed UTF-8 without U+0000, else MQTT_ERR_VIOLATION
 * with diag (NULL allowed) reporting the first problem: offset = index in s
 * of the sequence at fault, rule MQTT_RULE_UTF8_ILL_FORMED (overlong form,
 * surrogate, above U+10FFFF, truncated sequence, stray continuation byte,
 * bytes C0 C1 F5..FF; 3.1.1: "MQTT-1.5.3-1") or MQTT_RULE_UTF8_NUL (U+0000;
 * "MQTT-1.5.3-2"). The rules are the same in every version; `v` names the
 * clause.
 */
int mqtt_utf8_check(enum mqtt_version v, const uint8_t *s, size_t n,
		    struct mqtt_diag *diag);

#endif
