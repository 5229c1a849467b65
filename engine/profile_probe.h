/*
 * profile_probe.h - the run's profile learned from the broker (in 3.1.1 a
 * short probe of its optional features, in 5.0 the CONNACK) and from its
 * endpoints (the transport). What a profile is, and what a case needs of
 * it, is case/profile.h.
 */
#ifndef PROFILE_PROBE_H
#define PROFILE_PROBE_H

#include "case/profile.h"
#include "engine/sync_client.h"
#include "engine/engine.h"
#include "net/conn.h"

/* Learn what the broker offers. Never fails the run: what it cannot learn stays
 * unknown, and unknown never makes a case NOT APPLICABLE. `find` (may be NULL)
 * gets the first rule a packet of the probe broke. */
void profile_probe(struct profile *p, const struct conn_endpoint *ep, const struct engine_opts *o,
		   struct sync_client_finding *find);

/* 5.0: the capabilities the pre-flight's CONNACK announced (its bytes,
 * rx[0..n)), the spec's default for each property it left out; a CONNECT
 * keep alive of `keep_alive` seconds stands where no Server Keep Alive came.
 * A CONNACK that does not decode in 5.0 leaves every value unknown. */
void profile_connack(struct profile *p, const uint8_t *rx, size_t n, uint16_t keep_alive);
/* The same from a CONNACK already decoded. */
void profile_connack_packet(struct profile *p, const struct mqtt_packet *connack, uint16_t keep_alive);

/* Learn the run's transport from its endpoints. */
void profile_set_transport(struct profile *p, const struct conn_endpoint *eps, size_t n);

#endif
