/* The pids cgroup that enforces rlimits.nproc for a root caller (cgroup.c). */
#ifndef NEMOCLAW_CGROUP_H
#define NEMOCLAW_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

/* Creates the cgroup with pids.max = limit (before any namespace exists); 0, or -1 with a reason. */
int pids_cgroup_create(long long limit, char *reason, size_t reason_size);
/* Moves the calling process into it (through the cgroup.procs fd opened at creation); 0 or -errno. */
int pids_cgroup_enter(void);
/* Removes the cgroup (once its processes are gone); safe to call when none was created. */
void pids_cgroup_remove(void);

#endif
