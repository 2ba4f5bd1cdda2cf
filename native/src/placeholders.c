/* Placeholders for missing persistence points (.git/hooks, .vscode, ~/.config/autostart, .mcp.json,
 * .git/commondir, ~/.zshrc ...): a path that does not exist cannot be bound read-only, so the
 * launcher creates it before the sandbox starts (a directory empty, a file with a neutral content
 * chosen by @nemoclaw/native: one that tools outside read exactly as if the file were missing),
 * PID 1 binds it read-only, and the launcher removes it once every process of the sandbox is gone.
 *
 * Several sandboxes may share a workdir, so a placeholder belongs to every launcher using it:
 * - each one it creates is marked with the extended attribute user.nemoclaw.placeholder, so a
 *   later launcher (or the next run, after a launcher was killed with SIGKILL) recognises it and
 *   adopts it instead of treating it as the user's own;
 * - every launcher holds a shared flock(2) on each placeholder path for its lifetime, and removes
 *   one only when it can take the lock exclusively (no other sandbox uses it), it is still marked,
 *   and it is unchanged (a directory still empty, a file still holding the neutral content);
 * - after taking its shared lock a launcher checks the path still names the locked inode (another
 *   launcher may have removed it meanwhile) and creates it again if not.
 * Directories are created 0700 (one of them may become NemoClaw's own state directory).
 * Paths that already existed unmarked (the user's own .vscode) are only bound read-only, never
 * removed. On a filesystem without user extended attributes a placeholder is not adopted by other
 * launchers: it is removed by its creator, or stays behind if another sandbox still used it. */
#define _GNU_SOURCE
#include "placeholders.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_HELD 256
#define MARK_NAME "user.nemoclaw.placeholder"
#define MARK_VALUE "1"

struct held {
	char *path;
	int fd;              /* holds the shared lock; -1 when the path could not be opened */
	bool owned;          /* created or adopted: removed at exit when unchanged and unused */
	const char *content; /* a file placeholder's neutral content; NULL for a directory */
};

/* Created parents of placeholder directories (not locked: removed children first when empty). */
static char *parents[MAX_HELD];
static size_t parent_count;
static struct held held[MAX_HELD];
static size_t held_count;

static bool is_marked(int fd)
{
	char value[8];
	ssize_t length = fgetxattr(fd, MARK_NAME, value, sizeof value);
	return length == (ssize_t)strlen(MARK_VALUE) && memcmp(value, MARK_VALUE, (size_t)length) == 0;
}

static bool same_inode(int fd, const char *path)
{
	struct stat opened, named;
	return fstat(fd, &opened) == 0 && opened.st_nlink > 0 && lstat(path, &named) == 0 &&
	       opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

static bool write_all(int fd, const char *text, size_t length)
{
	while (length > 0) {
		ssize_t written = write(fd, text, length);
		if (written < 0 && errno == EINTR)
			continue;
		if (written <= 0)
			return false;
		text += written;
		length -= (size_t)written;
	}
	return true;
}

/* Creates the missing parents of a placeholder directory (remembered for removal at exit). */
static void create_parents(const char *path)
{
	char prefix[PATH_MAX];
	size_t length = strlen(path);
	for (size_t end = 1; end < length; end++) {
		if (path[end] != '/')
			continue;
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		struct stat status;
		if (stat(prefix, &status) == 0)
			continue;
		if (errno != ENOENT || parent_count == MAX_HELD || mkdir(prefix, 0700) < 0)
			return;
		parents[parent_count] = strdup(prefix);
		if (parents[parent_count])
			parent_count++;
	}
}

/* Creates (marked) or opens one placeholder and takes the shared lock on it; 0 when held (or
 * when it cannot be created: then the command, with the same uid and fewer rights, cannot either),
 * -EAGAIN when it vanished under us. */
static int hold_one(const char *path, const char *content)
{
	bool directory = content == NULL;
	bool created = false;
	if (directory) {
		create_parents(path);
		if (mkdir(path, 0700) == 0)
			created = true;
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0) {
			created = true;
			bool ok = write_all(fd, content, strlen(content));
			close(fd);
			if (!ok) {
				unlink(path);
				return 0;
			}
		}
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
	if (fd < 0)
		return errno == ENOENT && !created ? -EAGAIN : 0;
	if (created)
		(void)fsetxattr(fd, MARK_NAME, MARK_VALUE, strlen(MARK_VALUE), 0);
	while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
		;
	if (!same_inode(fd, path)) {
		close(fd);
		return -EAGAIN;
	}
	struct held *entry = &held[held_count++];
	entry->path = strdup(path);
	entry->fd = fd;
	entry->owned = created || is_marked(fd);
	entry->content = content;
	if (!entry->path) {
		close(fd);
		held_count--;
	}
	return 0;
}

static void hold(const char *path, const char *content)
{
	if (strlen(path) >= PATH_MAX || held_count == MAX_HELD)
		return;
	for (int attempt = 0; attempt < 8; attempt++)
		if (hold_one(path, content) != -EAGAIN)
			return;
}

void placeholders_create(const struct plan *plan)
{
	for (size_t index = 0; index < plan->fs.placeholder_count; index++)
		hold(plan->fs.placeholders[index], NULL);
	for (size_t index = 0; index < plan->fs.placeholder_file_count; index++)
		hold(plan->fs.placeholder_files[index], plan->fs.placeholder_contents[index]);
}

static bool file_unchanged(int fd, const char *content)
{
	size_t length = strlen(content);
	char buffer[4097];
	ssize_t got = pread(fd, buffer, sizeof buffer, 0);
	return got >= 0 && (size_t)got == length && memcmp(buffer, content, length) == 0;
}

void placeholders_remove(void)
{
	/* Newest first (children before parents). The launcher stays in the caller's mount namespace
	 * (PID 1 makes the sandbox's), so there is nothing to unmount here, and nothing must be: as
	 * root without a user namespace, an unmount here would detach the caller's own mounts. */
	while (held_count > 0) {
		struct held *entry = &held[--held_count];
		/* Ours (created or adopted), no other sandbox holds it, and still the same inode. */
		if (entry->owned && entry->fd >= 0 && flock(entry->fd, LOCK_EX | LOCK_NB) == 0 &&
		    same_inode(entry->fd, entry->path)) {
			if (entry->content == NULL)
				rmdir(entry->path); /* a directory someone filled meanwhile stays */
			else if (file_unchanged(entry->fd, entry->content))
				unlink(entry->path);
		}
		if (entry->fd >= 0)
			close(entry->fd);
		free(entry->path);
	}
	while (parent_count > 0) {
		char *path = parents[--parent_count];
		rmdir(path);
		free(path);
	}
}
