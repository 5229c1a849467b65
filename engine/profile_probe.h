/*
 * profile_probe.h - the run's profile learned from the broker (a short probe
 * of its optional features) and from its endpoints (the transport). What a
 * profile is, and what a case needs of it, is case/profile.h.
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

/* Learn the run's transport from its endpoints. */
void profile_set_transport(struct profile *p, const struct conn_endpoint *eps, size_t n);

#endif
