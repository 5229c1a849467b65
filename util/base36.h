/*
 * base36.h - the digits of run prefixes and case numbers in client ids and
 * topics: [0-9a-z] or [0-9A-Z], characters every broker must accept in a
 * client id (MQTT-3.1.3-5).
 */
#ifndef BASE36_H
#define BASE36_H

/* The digit for v % 36, upper case (A-Z) if `upper`, else lower case. */
char base36_digit(unsigned long v, int upper);

#endif
