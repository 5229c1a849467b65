/*
 * mqtt_check.h - the spec's rules on a decoded (or hand-built) packet.
 *
 * mqtt_decode() only says whether the bytes fit the layout; this says which
 * normative statement a well-framed packet breaks. The harness uses the
 * clause id to charge a broker's bad packet to the right statement.
 */
#ifndef MQTT_CHECK_H
#define MQTT_CHECK_H

#include "codec/mqtt.h"

/*
 * 0 if no rule below is broken, else MQTT_ERR_VIOLATION with diag (NULL
 * allowed; untouched on success) holding the FIRST broken rule in this
 * order: packet type, direction, fixed-header flags, then the fields in wire
 * order. diag->rule is the rule, diag->clause its id in version `v`
 * (codec/mqtt_rule.h; the ids below are 3.1.1's); diag->offset is 0; msg
 * names the field (and the byte inside a string for UTF-8 / topic problems).
 * MQTT_ERR_UNSUPPORTED for a version the codec does not know. 5.0's rules
 * follow the list below.
 *
 *   type 0 or 15                                        MQTTSPEC-2.2.1-1
 *   client-only type from the server, or server-only
 *   type from the client (dir MQTT_FROM_ANY: not checked) MQTTSPEC-2.2.1-2
 *   flags differ from Table 2.2: PUBREL MQTT-3.6.1-1, SUBSCRIBE MQTT-3.8.1-1,
 *     UNSUBSCRIBE MQTT-3.10.1-1, other non-PUBLISH types MQTT-2.2.2-1
 *   PUBLISH: QoS bits 11 MQTT-3.3.1-4; QoS 0 with DUP MQTT-3.3.1-2;
 *     QoS > 0 without a non-zero packet id MQTT-2.3.1-1; topic: see
 *     mqtt_topic_check_name (MQTT-4.7.3-1, MQTT-1.5.3-1/-2, MQTT-3.3.2-2)
 *   SUBSCRIBE / UNSUBSCRIBE: packet id 0 (or absent) MQTT-2.3.1-1;
 *     no entries MQTT-3.8.3-3 / MQTT-3.10.3-2; each filter: see
 *     mqtt_topic_check_filter (MQTT-4.7.3-1, MQTT-1.5.3-*, MQTT-4.7.1-2/-3);
 *     SUBSCRIBE QoS byte with upper 6 bits set or QoS 3 MQTT-3.8.3-4
 *   SUBACK: a code not 0, 1, 2, 0x80 MQTT-3.9.3-2 (no code at all is not
 *     flagged: it can only answer a SUBSCRIBE without a filter, whose fault
 *     is the broker not closing, MQTT-4.8.0-1; a code missing for a filter
 *     that was sent, MQTT-3.8.4-5, is for the cases to see)
 *   CONNACK: ack flag bits 7..1 MQTTSPEC-3.2.2-1; Session Present with a
 *     non-zero return code MQTT-3.2.2-4; return code above 5 MQTTSPEC-3.2.2-2
 *   CONNECT: protocol name UTF-8 MQTT-1.5.3-*; reserved flag MQTT-3.1.2-3;
 *     Will QoS/Retain without the Will flag MQTT-3.1.2-11; Will QoS 3
 *     MQTT-3.1.2-14; password flag without user name flag MQTT-3.1.2-22;
 *     client id, will topic, user name UTF-8 MQTT-1.5.3-*
 *     (will message and password are binary data: not checked)
 *
 * Not flagged on purpose: packet id 0 in acknowledgements (whether it
 * matches anything sent is the harness's business), the protocol name and
 * level values, non-minimal Remaining Length encodings.
 *
 * 5.0 (ids in codec/mqtt_rule.c; the property ones per place in
 * codec/mqtt_prop_table.c):
 *   type 0 MQTTSPEC-2.1.2-1; direction (DISCONNECT and AUTH both ways)
 *   MQTTSPEC-2.1.2-2; flags as in 3.1.1 but MQTT-2.1.3-1 for the others and
 *   AUTH MQTT-3.15.1-1; a Remaining Length in too many bytes MQTT-1.5.5-1;
 *   CONNECT: reserved flag MQTT-3.1.2-3, Will QoS without Will MQTT-3.1.2-11,
 *     Will Retain without Will MQTT-3.1.2-13, Will QoS 3 MQTTSPEC-3.1.2.6-1
 *     (a password without a user name is legal), UTF-8 MQTT-1.5.4-1/-2;
 *   CONNACK: reserved flag bits MQTT-3.2.2-1, Session Present with a
 *     non-zero code MQTT-3.2.2-6, a code outside Table 3-1 MQTT-3.2.2-8;
 *   PUBLISH: QoS 3, DUP at QoS 0 as 3.1.1; packet id 0 MQTT-2.2.1-3 (from
 *     the server MQTT-2.2.1-4); an empty topic without a Topic Alias
 *     MQTTSPEC-3.3.2.1-1; topic rules; a client's Subscription Identifier
 *     MQTT-3.3.4-6;
 *   the acks, DISCONNECT, AUTH, SUBACK, UNSUBACK: a reason code outside the
 *     packet's table (MQTT-3.4.2-1, 3.5.2-1, 3.6.2-1, 3.7.2-1, 3.14.2-1,
 *     3.15.2-1, 3.9.3-2, 3.11.3-2);
 *   SUBSCRIBE / UNSUBSCRIBE: packet id 0 MQTT-2.2.1-3, no filter
 *     MQTT-3.8.3-2 / MQTT-3.10.3-2, filter rules MQTT-4.7.1-1/-2,
 *     MQTT-4.7.3-1; options reserved bits MQTT-3.8.3-5, Maximum QoS 3
 *     MQTTSPEC-3.8.3.1-1, Retain Handling 3 MQTTSPEC-3.8.3.1-2, No Local on
 *     a $share/ filter MQTT-3.8.3-4;
 *   every property block: a Property Length in too many bytes MQTT-1.5.5-1;
 *     an undefined id or one not allowed in the place MQTTSPEC-2.2.2.2-1; a
 *     repeat its section forbids, a value outside its range: the clause of
 *     the (place, property) (rules PROP_REPEATED, PROP_VALUE); strings and
 *     pairs UTF-8.
 *   CONNECT: Authentication Data without Authentication Method
 *     MQTTSPEC-3.1.2.11.10-1; PUBLISH: a wildcard in the Response Topic
 *     MQTT-3.3.2-14; a server's DISCONNECT with a Session Expiry Interval
 *     MQTT-3.14.2-2.
 * Not flagged: a property repeated where its section is silent (Payload
 * Format Indicator and Message Expiry Interval in PUBLISH); rules over
 * more than one packet (Topic Alias above the maximum, an AUTH without the
 * CONNECT's method, ...), which are the engine's.
 */
int mqtt_check(enum mqtt_version v, const struct mqtt_packet *pkt,
	       enum mqtt_dir dir, struct mqtt_diag *diag);

#endif
