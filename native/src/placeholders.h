/* Read-only placeholders for missing persistence points, shared safely between sandboxes
 * (placeholders.c). */
#ifndef NEMOCLAW_PLACEHOLDERS_H
#define NEMOCLAW_PLACEHOLDERS_H

#include "plan.h"

/* Creates (marked) or adopts the filesystem.placeholders directories and placeholder_files, and
 * holds a shared lock on each for the launcher's lifetime. */
void placeholders_create(const struct plan *plan);
/* Unmounts them and removes the ones this launcher created or adopted, when no other sandbox
 * holds them and they are unchanged. */
void placeholders_remove(void);

#endif
