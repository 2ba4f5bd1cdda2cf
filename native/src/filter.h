/* The seccomp filter (libseccomp): profiles default and strict, plan allow/deny. */
#ifndef NEMOCLAW_FILTER_H
#define NEMOCLAW_FILTER_H

#include "plan.h"

#include <seccomp.h>

/* Builds the filter for the plan. Exits 120 (unknown syscall name) or 124 (libseccomp failure). */
scmp_filter_ctx filter_build(const struct plan *plan, size_t *rule_count);

#endif
