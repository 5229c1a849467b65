/*
 * mqtt_print.h - one-line text of a packet for logs and reports.
 *
 *   CONNECT level=4 flags=0x02 ka=60 id="abc" will="t"/3B user="u" pass=****(4B)
 *   CONNACK sp=0 rc=0x00
 *   PUBLISH qos=1 dup=0 retain=0 id=10 topic="a/b" payload=5B "hello"
 *   PUBACK id=10               (PUBREC, PUBREL, PUBCOMP, UNSUBACK alike)
 *   SUBSCRIBE id=3 filters=["a/+" q=1,"b/#" q=0x42]
 *   SUBACK id=3 codes=[0x01,0x80]
 *   UNSUBSCRIBE id=4 filters=["a/+"]
 *   PINGREQ   PINGRESP   DISCONNECT   RESERVED15 flags=0x0 body=2B "\x01\x02"
 * Extras, only when they apply: " flags=0xN" after the name when a
 * non-PUBLISH type's flags differ from Table 2.2, proto="..." on CONNECT when
 * the protocol name is not "MQTT", " extra=NB" for encoder extra bytes.
 * Strings are quoted: printable ASCII as-is (with \" and \\ escaped), other
 * bytes as \xNN; strings show at most 64 bytes and payloads 32, then "...".
 * The password is never shown, only its length. The short names (ka=, sp=)
 * are the tags of the field table (codec/mqtt_field_table.h).
 */
#ifndef MQTT_PRINT_H
#define MQTT_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/mqtt.h"

/* Always NUL-terminates when cap > 0 (buf may be NULL when cap == 0), never
 * writes past cap. Returns the length of the full line (snprintf-like), so
 * a return >= cap means it was truncated. */
size_t mqtt_print(const struct mqtt_packet *pkt, char *buf, size_t cap);

/* The line of a packet of version `v`: mqtt_print for 3.1.1; in 5.0 also
 * reason codes with their names (" rc=0x10(No matching subscribers)"),
 * the Subscription Options byte of each filter (" o=0x2e"), SUBACK and
 * UNSUBACK codes (" codes=[...]"), and the properties by key
 * (" props=[topic_alias=5,user_property=\"k\":\"v\"]", " will_props=[...]"),
 * binary values by size only. Type 15 is AUTH. */
size_t mqtt_print_v(enum mqtt_version v, const struct mqtt_packet *pkt,
		    char *buf, size_t cap);

/* Lowercase hex, no separators ("300d0003"), NUL-terminated, truncated to
 * cap like mqtt_print; returns 2 * len. */
size_t mqtt_print_hex(const uint8_t *in, size_t len, char *buf, size_t cap);

#endif
