/* A pids cgroup for a root caller: the kernel never applies RLIMIT_NPROC to the host's root user
 * (its processes are charged to INIT_USER, which is exempt), so a fork bomb under `rlimits.nproc`
 * would not be stopped. When the caller is root and the plan sets nproc, the launcher creates
 * <its own pids cgroup>/nemoclaw-<pid> with pids.max = nproc and opens its cgroup.procs before any
 * namespace exists; the command's process enters it first thing (before it can fork), so it holds
 * the command and everything it starts. The launcher removes it once PID 1 has reported that every
 * process of the sandbox is dead and reaped (or has exited). cgroup v2 (/sys/fs/cgroup with the
 * pids controller) and the v1 pids hierarchy (/sys/fs/cgroup/pids) are supported. Empty cgroups left
 * by a launcher killed with SIGKILL are removed by the next launcher of the same caller. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int parent_directory = -1; /* the caller's own pids cgroup */
static int procs = -1;            /* cgroup.procs of the new cgroup, opened before any namespace */
static char name[64];

static int write_text(int directory, const char *file, const char *text)
{
	int fd = openat(directory, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t length = (ssize_t)strlen(text);
	int result = write(fd, text, (size_t)length) == length ? 0 : -errno;
	close(fd);
	return result;
}

/* The directory of our own pids cgroup, or NULL (with a reason). */
static const char *own_pids_cgroup(char *path, size_t size)
{
	FILE *file = fopen("/proc/self/cgroup", "re");
	if (!file)
		return "cannot read /proc/self/cgroup";
	char line[4096];
	const char *reason = "no pids controller (neither a cgroup v1 pids hierarchy nor cgroup v2)";
	char unified[4096] = "";
	while (fgets(line, sizeof line, file)) {
		line[strcspn(line, "\n")] = '\0';
		char *controllers = strchr(line, ':');
		char *where = controllers ? strchr(controllers + 1, ':') : NULL;
		if (!where)
			continue;
		*where++ = '\0';
		controllers++;
		if (controllers[0] == '\0') {
			snprintf(unified, sizeof unified, "%s", where);
			continue;
		}
		char *cursor = controllers;
		for (char *one; (one = strsep(&cursor, ","));)
			if (strcmp(one, "pids") == 0) {
				snprintf(path, size, "/sys/fs/cgroup/pids%s", where);
				fclose(file);
				return access("/sys/fs/cgroup/pids", F_OK) == 0 ? NULL : "the v1 pids hierarchy is not mounted at /sys/fs/cgroup/pids";
			}
	}
	fclose(file);
	if (unified[0] && access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
		snprintf(path, size, "/sys/fs/cgroup%s", unified);
		return NULL;
	}
	return reason;
}

/* Removes the empty cgroups of launchers that died without cleaning up (SIGKILL): nemoclaw-<pid>
 * whose pid no longer exists. A cgroup that still holds processes refuses rmdir (EBUSY) and stays. */
static void remove_stale_cgroups(void)
{
	int fd = openat(parent_directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *directory = fd >= 0 ? fdopendir(fd) : NULL;
	if (!directory) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL) {
		char *end;
		if (strncmp(entry->d_name, "nemoclaw-", 9) != 0)
			continue;
		long pid = strtol(entry->d_name + 9, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlinkat(parent_directory, entry->d_name, AT_REMOVEDIR);
	}
	closedir(directory);
}

int pids_cgroup_create(long long limit, char *reason, size_t reason_size)
{
	char path[4200];
	const char *why = own_pids_cgroup(path, sizeof path);
	if (why) {
		snprintf(reason, reason_size, "%s", why);
		return -1;
	}
	parent_directory = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent_directory < 0) {
		snprintf(reason, reason_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* cgroup v2: the parent must hand the pids controller down. */
	if (faccessat(parent_directory, "cgroup.subtree_control", F_OK, 0) == 0) {
		char enabled[512] = "";
		int fd = openat(parent_directory, "cgroup.subtree_control", O_RDONLY | O_CLOEXEC);
		ssize_t got = fd >= 0 ? read(fd, enabled, sizeof enabled - 1) : -1;
		if (fd >= 0)
			close(fd);
		enabled[got > 0 ? got : 0] = '\0';
		if (!strstr(enabled, "pids")) {
			int result = write_text(parent_directory, "cgroup.subtree_control", "+pids");
			if (result < 0) {
				snprintf(reason, reason_size, "enabling the pids controller in %s: %s", path, strerror(-result));
				goto failed;
			}
		}
	}
	remove_stale_cgroups();
	snprintf(name, sizeof name, "nemoclaw-%ld", (long)getpid());
	/* A leftover of a killed launcher that had our pid: empty, so it can go. */
	if (mkdirat(parent_directory, name, 0755) < 0 && (errno != EEXIST || unlinkat(parent_directory, name, AT_REMOVEDIR) < 0 ||
							  mkdirat(parent_directory, name, 0755) < 0)) {
		snprintf(reason, reason_size, "creating %s/%s: %s", path, name, strerror(errno));
		name[0] = '\0';
		goto failed;
	}
	int child = openat(parent_directory, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char text[32];
	snprintf(text, sizeof text, "%lld", limit);
	int result = child < 0 ? -errno : write_text(child, "pids.max", text);
	if (result == 0) {
		procs = openat(child, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (procs < 0)
			result = -errno;
	}
	if (child >= 0)
		close(child);
	if (result < 0) {
		snprintf(reason, reason_size, "setting up %s/%s: %s", path, name, strerror(-result));
		goto failed;
	}
	return 0;
failed:
	pids_cgroup_remove();
	return -1;
}

int pids_cgroup_enter(void)
{
	/* "0": the writing process. The kernel checks the credentials and cgroup namespace of the
	 * file's opener (the launcher, before any namespace existed), not the writer's. */
	return write(procs, "0", 1) == 1 ? 0 : -errno;
}

void pids_cgroup_remove(void)
{
	if (procs >= 0) {
		close(procs);
		procs = -1;
	}
	if (parent_directory < 0)
		return;
	if (name[0]) {
		/* Tasks of a dead PID namespace may take a moment to leave the cgroup. */
		for (int attempt = 0; attempt < 200; attempt++) {
			if (unlinkat(parent_directory, name, AT_REMOVEDIR) == 0 || errno != EBUSY)
				break;
			nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
		}
		name[0] = '\0';
	}
	close(parent_directory);
	parent_directory = -1;
}
