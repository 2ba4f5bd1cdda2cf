/* The seccomp filter (libseccomp): profiles default and strict, plan allow/deny. */
#ifndef NEMOCLAW_FILTER_H
#define NEMOCLAW_FILTER_H

#include "plan.h"

#include <linux/filter.h>
#include <seccomp.h>

/* Builds the filter for the plan. Exits 120 (unknown syscall name) or 124 (libseccomp failure). */
scmp_filter_ctx filter_build(const struct plan *plan, size_t *rule_count);

/* The filter of a plan without seccomp.allow/deny entries, compiled at build time by the same code
 * (filter_build + filter_compile through src/generator/precompile-filters.c); false when the plan
 * has such entries or the build embedded none: then filter_build and filter_compile run here. */
bool filter_precompiled(const struct plan *plan, struct sock_fprog *program, size_t *rule_count);

/* Compiles the filter to BPF once, in the launcher, so the command's process only installs it. */
void filter_compile(scmp_filter_ctx context, struct sock_fprog *program);
/* Installs a compiled filter on the calling thread (no_new_privs must be set). Returns 0 or -errno. */
int filter_install(const struct sock_fprog *program);

#endif
