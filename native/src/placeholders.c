/* Placeholders for missing persistence directories (.git/hooks, .vscode, ~/.config/autostart ...):
 * a path that does not exist cannot be bind-mounted read-only, so the launcher creates it (and any
 * missing parent) as an empty directory before the sandbox starts, PID 1 binds it read-only, and
 * the launcher removes what it created once every process of the sandbox is gone (after PID 1 has
 * exited, or on a failing exit). Only directories: an empty placeholder *file* would change what
 * tools outside read meanwhile (an empty ~/.bash_profile hides ~/.profile, an empty .mcp.json is
 * invalid JSON). If the launcher is killed with SIGKILL, empty directories stay behind. */
#define _GNU_SOURCE
#include "placeholders.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CREATED 256

static char *created[MAX_CREATED];
static size_t created_count;

void placeholders_create(const struct plan *plan)
{
	for (size_t index = 0; index < plan->fs.placeholder_count; index++) {
		const char *path = plan->fs.placeholders[index];
		size_t length = strlen(path);
		if (length >= PATH_MAX)
			continue;
		char prefix[PATH_MAX];
		/* Walk the components: existing directories are passed, missing ones created. */
		for (size_t end = 1; end <= length; end++) {
			if (end < length && path[end] != '/')
				continue;
			memcpy(prefix, path, end);
			prefix[end] = '\0';
			struct stat status;
			if (stat(prefix, &status) == 0) {
				if (!S_ISDIR(status.st_mode))
					break; /* a file in the way: nothing to protect there */
				continue;
			}
			if (errno != ENOENT || created_count == MAX_CREATED || mkdir(prefix, 0755) < 0)
				break; /* cannot create it: the command (same uid, fewer rights) cannot either */
			created[created_count] = strdup(prefix);
			if (created[created_count])
				created_count++;
		}
	}
}

void placeholders_remove(void)
{
	/* Children before parents; each is a mount point in our namespace (a read-only bind or a
	 * pinned parent), so it is unmounted first. A directory someone filled meanwhile stays. */
	while (created_count > 0) {
		char *path = created[--created_count];
		while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
		rmdir(path);
		free(path);
	}
}
