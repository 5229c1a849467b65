/*
 * profile_int.h - what profile.c and profile_file.c share: the keys a case
 * or a profile file may give, and the reader of an object of them.
 */
#ifndef PROFILE_INT_H
#define PROFILE_INT_H

#include "case/profile.h"

struct profile_key {
	enum profile_cap cap;
	int flag;        /* true/false; else an integer in lo..hi */
	long lo, hi;
};

extern const struct profile_key profile_keys[];
extern const size_t profile_nkeys;

/* profile_parse without its refusal of "retain": false (a 5.0 profile may
 * lower Retain Available to 0). */
int profile_parse_caps(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e);

/* 1 if version `v`'s profile has capability `c`. */
int profile_cap_of(enum mqtt_version v, enum profile_cap c);

#endif
