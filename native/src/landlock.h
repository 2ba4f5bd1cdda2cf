/* Landlock: ABI detection, what a plan needs, and applying it. */
#ifndef NEMOCLAW_LANDLOCK_H
#define NEMOCLAW_LANDLOCK_H

#include "plan.h"

/* The kernel's Landlock ABI (0 when Landlock is unavailable). */
int landlock_kernel_abi(void);
/* The ABI the launcher uses: the kernel's, lowered to plan->abi_override when that is set. */
int landlock_effective_abi(const struct plan *plan, int kernel_abi);

#define LANDLOCK_MAX_MISSING 8
/* Fills lines with one sentence per protection the plan asks for that the ABI lacks; returns the count. */
size_t landlock_missing(const struct plan *plan, int abi, char lines[][256]);

/* Builds the ruleset and restricts the calling thread (and its future children). Exits 123 on failure. */
void landlock_apply(const struct plan *plan, int abi);

#endif
