/* Empty read-only placeholders for missing persistence directories (placeholders.c). */
#ifndef NEMOCLAW_PLACEHOLDERS_H
#define NEMOCLAW_PLACEHOLDERS_H

#include "plan.h"

/* Creates the missing filesystem.placeholders directories (and missing parents); remembers them. */
void placeholders_create(const struct plan *plan);
/* Unmounts and removes what placeholders_create created (when empty). */
void placeholders_remove(void);

#endif
