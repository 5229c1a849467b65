/*
 * mqtt_reason.h - the 5.0 reason codes (spec 2.4) and the set each packet
 * type may carry: CONNACK Table 3-1, PUBACK 3-4, PUBREC 3-5, PUBREL 3-6,
 * PUBCOMP 3-7, SUBACK 3-8, UNSUBACK 3-9, DISCONNECT 3-10, AUTH 3-11.
 *
 * A code's name can depend on the packet: 0x00 is "Success", "Normal
 * disconnection" in DISCONNECT and "Granted QoS 0" in SUBACK. Where Table
 * 2-6 and a packet's own table disagree (0x8C in DISCONNECT), the packet's
 * table decides, since the rule of each packet names its table.
 */
#ifndef MQTT_REASON_H
#define MQTT_REASON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/* Whether type `t` carries reason codes in 5.0 (the nine types above). */
bool mqtt_reason_type(enum mqtt_type t);

/* The name of `code` in the table of type `t`; NULL when that table does
 * not hold it (or `t` has no table). */
const char *mqtt_reason_name(enum mqtt_type t, unsigned code);

/* Whether the table of `t` holds `code`. */
bool mqtt_reason_allowed(enum mqtt_type t, unsigned code);

/* The name of `code` in any packet's table (Table 2-6; 0x00 "Success"),
 * NULL for a value no table holds. */
const char *mqtt_reason_any_name(unsigned code);

/* The codes of the table of `t`, ascending, into out[0..cap); returns how
 * many the table holds (0 for a type without one), even past cap. */
size_t mqtt_reason_codes(enum mqtt_type t, uint8_t *out, size_t cap);

#endif
