/* PID 1 of the sandbox: sets up the mount namespace (private propagation, /proc, /tmp, deny
 * masks, read-only binds), the hostname and loopback, the bridge listener, then forks the command
 * and stays as its reaper: it forwards signals that come from the launcher (outside the PID
 * namespace), relays bridge connections, and exits with the command's status. The command cannot
 * signal it (init ignores signals from inside without a handler; Landlock scopes signals) or
 * ptrace it (seccomp, and Landlock forbids ptrace of a less-sandboxed process). */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct nc_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* Attaches a detached mount (from open_tree) onto the object fd target refers to, read-only. */
static int attach_read_only(int tree, int target, bool recursive, uint64_t extra)
{
	struct nc_mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | extra};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
		return -errno;
	if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* Masks one deny path. The path is resolved once (following symlinks, before the command runs)
 * into an O_PATH fd, and the mask is mounted onto exactly that object through /proc/self/fd. */
static void mask_path(const char *path)
{
	int target = open(path, O_PATH | O_CLOEXEC);
	if (target < 0) {
		/* Nothing there, or nothing the caller can reach: the command (same uid, no capabilities)
		 * cannot reach it either. */
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
			return;
		fail(EXIT_MOUNT, "mount", "deny %s: %s", path, strerror(errno));
	}
	struct stat status;
	if (fstat(target, &status) < 0)
		fail(EXIT_MOUNT, "mount", "deny %s: %s", path, strerror(errno));
	char through[64];
	snprintf(through, sizeof through, "/proc/self/fd/%d", target);
	if (S_ISDIR(status.st_mode)) {
		/* An empty, read-only tmpfs with mode 000: nothing to read, list or write. */
		if (mount("tmpfs", through, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=000,size=4k") < 0)
			fail(EXIT_MOUNT, "mount", "deny %s: tmpfs: %s", path, strerror(errno));
	} else {
		/* /dev/null over a file (read-only when the kernel has the new mount API). */
		int tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | O_CLOEXEC);
		int result = tree >= 0 ? attach_read_only(tree, target, false, 0 /* nodev would turn reads into EACCES */) : -errno;
		if (tree >= 0)
			close(tree);
		if (result == -ENOSYS) {
			if (mount("/dev/null", through, NULL, MS_BIND, NULL) < 0)
				fail(EXIT_MOUNT, "mount", "deny %s: bind /dev/null: %s", path, strerror(errno));
		} else if (result < 0) {
			fail(EXIT_MOUNT, "mount", "deny %s: bind /dev/null: %s", path, strerror(-result));
		}
	}
	close(target);
}

/* Re-binds a path onto itself read-only (with everything mounted beneath it). */
static void bind_read_only(const char *path)
{
	int target = open(path, O_PATH | O_CLOEXEC);
	if (target < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
			return;
		fail(EXIT_MOUNT, "mount", "read_only_binds %s: %s", path, strerror(errno));
	}
	int tree = (int)syscall(SYS_open_tree, target, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);
	int result = tree >= 0 ? attach_read_only(tree, target, true, MOUNT_ATTR_NODEV) : -errno;
	if (tree >= 0)
		close(tree);
	if (result == -ENOSYS) {
		/* Kernels before 5.12: classic bind then remount through the path (no other process of
		 * the sandbox exists yet, so nothing inside can swap it). */
		char through[64];
		snprintf(through, sizeof through, "/proc/self/fd/%d", target);
		if (mount(through, through, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
			result = -errno;
		else
			result = 0;
	}
	if (result < 0)
		fail(EXIT_MOUNT, "mount", "read_only_binds %s: %s", path, strerror(-result));
	close(target);
}

/* Decodes the octal escapes (\040 etc.) of a /proc/self/mountinfo field in place. */
static void unescape_mountinfo(char *field)
{
	char *out = field;
	for (char *in = field; *in; in++) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 3;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

/* The flags a bind remount must keep (the kernel refuses to clear locked ones). */
static unsigned long kept_flags(const char *path)
{
	struct statvfs status;
	unsigned long flags = 0;
	if (statvfs(path, &status) < 0)
		return 0;
	if (status.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (status.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (status.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (status.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (status.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (status.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	if (status.f_flag & ST_RDONLY)
		flags |= MS_RDONLY;
	return flags;
}

/* Kernels before 5.12 (no mount_setattr): every mount of the namespace remounted read-only, one
 * by one, as listed in /proc/self/mountinfo (parents before children). Mount points the caller
 * cannot reach are left alone: the command (same uid, no capabilities) cannot reach them either. */
static void read_only_tree_classic(void)
{
	FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
	if (!mountinfo)
		fail(EXIT_MOUNT, "mount", "read_only_root: /proc/self/mountinfo: %s", strerror(errno));
	char *line = NULL;
	size_t size = 0;
	while (getline(&line, &size, mountinfo) > 0) {
		/* id parent major:minor root mount-point options ... */
		char *fields[5] = {NULL};
		char *cursor = line;
		for (int index = 0; index < 5 && cursor; index++)
			fields[index] = strsep(&cursor, " ");
		if (!fields[4])
			continue;
		unescape_mountinfo(fields[4]);
		unsigned long flags = kept_flags(fields[4]);
		if (mount(NULL, fields[4], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) < 0 && errno != EACCES &&
		    errno != ENOENT)
			fail(EXIT_MOUNT, "mount", "read_only_root: remounting %s read-only: %s", fields[4], strerror(errno));
	}
	free(line);
	fclose(mountinfo);
}

/* Binds a path onto itself with extra mount flags (classic API), keeping the flags it has. */
static int rebind_classic(const char *path, unsigned long add, unsigned long remove)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	unsigned long flags = (kept_flags(path) | add) & ~remove;
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
		return -errno;
	return 0;
}

static int by_length(const void *left, const void *right)
{
	size_t a = strlen(*(char *const *)left), b = strlen(*(char *const *)right);
	return a < b ? -1 : a > b;
}

/* read_only_root: the whole tree read-only (as `bwrap --ro-bind / /`), then the writable paths
 * bound back as they were. The writable paths are cloned (with their submounts) *before* the tree
 * turns read-only, so each keeps its original flags, and attached afterwards, shortest path first
 * and each looked up again when attached (a nested writable path lands on its parent's bind). Each
 * becomes a mount point: it cannot be renamed or removed from inside (EBUSY). */
static void read_only_root(const struct plan *plan)
{
	size_t count = plan->fs.writable_count;
	char **paths = calloc(count + 1, sizeof *paths);
	int *clones = calloc(count + 1, sizeof *clones);
	if (!paths || !clones)
		fail(EXIT_MOUNT, "mount", "read_only_root: out of memory");
	memcpy(paths, plan->fs.writable, count * sizeof *paths);
	qsort(paths, count, sizeof *paths, by_length);
	bool classic = false;
	for (size_t index = 0; index < count; index++) {
		clones[index] = -1;
		if (classic)
			continue;
		clones[index] = (int)syscall(SYS_open_tree, AT_FDCWD, paths[index], OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC);
		if (clones[index] < 0) {
			if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
				continue; /* nothing there: nothing to give back */
			if (errno != ENOSYS)
				fail(EXIT_MOUNT, "mount", "writable %s: open_tree: %s", paths[index], strerror(errno));
			classic = true;
		}
	}
	struct nc_mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (!classic && syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr) < 0) {
		if (errno != ENOSYS)
			fail(EXIT_MOUNT, "mount", "read_only_root: mount_setattr /: %s", strerror(errno));
		classic = true;
	}
	if (classic)
		read_only_tree_classic();
	for (size_t index = 0; index < count; index++) {
		const char *path = paths[index];
		int target = open(path, O_PATH | O_CLOEXEC);
		if (target < 0) {
			if (clones[index] >= 0)
				close(clones[index]);
			if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
				continue;
			fail(EXIT_MOUNT, "mount", "writable %s: %s", path, strerror(errno));
		}
		if (!classic) {
			if (clones[index] < 0) {
				close(target);
				continue;
			}
			if (syscall(SYS_move_mount, clones[index], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
				fail(EXIT_MOUNT, "mount", "writable %s: move_mount: %s", path, strerror(errno));
			close(clones[index]);
		} else {
			char through[64];
			snprintf(through, sizeof through, "/proc/self/fd/%d", target);
			int result = rebind_classic(through, 0, MS_RDONLY);
			if (result < 0)
				fail(EXIT_MOUNT, "mount", "writable %s: %s", path, strerror(-result));
		}
		close(target);
	}
	free(paths);
	free(clones);
}

/* no_exec: the path re-bound onto itself (with its submounts) noexec, nosuid, nodev: execve,
 * the dynamic loader (`ld.so ./payload`) and mmap(PROT_EXEC) of its files all fail. */
static void bind_no_exec(const char *path)
{
	int target = open(path, O_PATH | O_CLOEXEC);
	if (target < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
			return;
		fail(EXIT_MOUNT, "mount", "no_exec %s: %s", path, strerror(errno));
	}
	int result = 0;
	int tree = (int)syscall(SYS_open_tree, target, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);
	if (tree >= 0) {
		struct nc_mount_attr attr = {.attr_set = MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0 ||
		    syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			result = -errno;
		close(tree);
	} else {
		result = -errno;
	}
	if (result == -ENOSYS) {
		char through[64];
		snprintf(through, sizeof through, "/proc/self/fd/%d", target);
		result = rebind_classic(through, MS_NOEXEC | MS_NOSUID | MS_NODEV, 0);
	}
	if (result < 0)
		fail(EXIT_MOUNT, "mount", "no_exec %s: %s", path, strerror(-result));
	close(target);
}

static void setup_mounts(const struct plan *plan)
{
	if (!plan->ns.mount)
		return;
	/* PID 1's own mount namespace (owned by the sandbox's user namespace): the launcher stays in
	 * the caller's (main.c), so nothing it does at exit has to unmount anything. */
	if (unshare(CLONE_NEWNS) < 0) {
		int error = errno;
		const char *why = (error == EPERM || error == EACCES || error == ENOSPC) ? userns_restriction() : NULL;
		fail(EXIT_NAMESPACE, "namespaces", "unshare(mount): %s%s%s%s", strerror(error), why ? " (" : "", why ? why : "",
		     why ? ")" : "");
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail(EXIT_MOUNT, "mount", "making / private: %s", strerror(errno));
	/* Read-only first: everything mounted afterwards (proc, /tmp, the binds) keeps its own flags. */
	if (plan->fs.read_only_root)
		read_only_root(plan);
	if (plan->fs.proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail(EXIT_MOUNT, "mount", "proc on /proc: %s%s", strerror(errno),
		     errno == EPERM ? " (a container that masks parts of /proc forbids a new procfs; run on the host or set filesystem.proc false)" : "");
	if (plan->fs.private_tmp && mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		fail(EXIT_MOUNT, "mount", "tmpfs on /tmp: %s", strerror(errno));
	for (size_t index = 0; index < plan->fs.no_exec_count; index++)
		bind_no_exec(plan->fs.no_exec[index]);
	/* The launcher created the missing placeholders (main.c): empty, and read-only from now on. */
	for (size_t index = 0; index < plan->fs.placeholder_count; index++)
		bind_read_only(plan->fs.placeholders[index]);
	for (size_t index = 0; index < plan->fs.placeholder_file_count; index++)
		bind_read_only(plan->fs.placeholder_files[index]);
	for (size_t index = 0; index < plan->fs.read_only_bind_count; index++)
		bind_read_only(plan->fs.read_only_binds[index]);
	for (size_t index = 0; index < plan->fs.deny_count; index++)
		mask_path(plan->fs.deny[index]);
}

int loopback_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ifreq request;
	memset(&request, 0, sizeof request);
	strcpy(request.ifr_name, "lo");
	int result = 0;
	if (ioctl(fd, SIOCGIFFLAGS, &request) < 0)
		result = -errno;
	else {
		request.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &request) < 0)
			result = -errno;
	}
	close(fd);
	return result;
}

static int command_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_SETUP;
}

static int command_entry(void *launch)
{
	run_command(launch);
}

/* Starts the command's process the way posix_spawn does: clone(CLONE_VM | CLONE_VFORK) on a
 * stack of its own. It shares PID 1's memory until its execve, so no page tables are copied and
 * neither process takes copy-on-write faults (a fork of PID 1 cost ~1 ms of CPU more in a VM).
 * PID 1 is suspended until the command has exec'd or exited; meanwhile the command writes only
 * its own stack, errno and a few heap bytes (the path it execs). Every restriction it applies
 * (setsid, Landlock, rlimits, no_new_privs, capabilities, its fd table, seccomp) belongs to its
 * own task, not to the memory it shares. Returns the pid or -errno. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NC_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(NC_ADDRESS_SANITIZER)
#define NC_ADDRESS_SANITIZER 1
#endif

static pid_t spawn_command(struct launch *launch)
{
#ifdef NC_ADDRESS_SANITIZER
	/* AddressSanitizer cannot follow a process onto a stack of its own: the sanitizer build
	 * (make check) forks, so the smoke tests cover both ways of starting the command. */
	pid_t forked = fork();
	if (forked == 0)
		run_command(launch);
	return forked < 0 ? -errno : forked;
#endif
	const size_t guard = 4096, size = 512 * 1024;
	char *stack = mmap(NULL, guard + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;
	if (mprotect(stack, guard, PROT_NONE) < 0) { /* the stack grows down onto an inaccessible page */
		int error = errno;
		munmap(stack, guard + size);
		return -error;
	}
	pid_t command = clone(command_entry, stack + guard + size, CLONE_VM | CLONE_VFORK | SIGCHLD, launch);
	int error = errno;
	munmap(stack, guard + size); /* the command has exec'd (a new address space) or exited */
	return command < 0 ? -error : command;
}

/* The command has exited with code. In a PID namespace, everything else in it is killed
 * (kill(-1) from a namespace's init reaches every other process of the namespace and no process
 * outside; a fork racing the kill is aborted, as kill(-1) excludes forks while it runs) and reaped
 * (orphans are reparented to PID 1): no process of the sandbox outlives this point. Then the
 * launcher gets the code (it need not wait for PID 1's exit, which tears the namespaces down) and
 * PID 1 exits with the same code. Without a PID namespace, kill(-1) would reach the caller's own
 * processes: PID 1 only reports and exits (getpid() == 1 is checked as well, belt and braces). */
__attribute__((noreturn)) static void finish(const struct launch *launch, int code)
{
	if (launch->plan.ns.pid && getpid() == 1) {
		kill(-1, SIGKILL);
		while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
			;
	}
	ssize_t written = write(launch->finished, &code, sizeof code);
	(void)written; /* a launcher that cannot read it gets PID 1's exit status instead */
	_exit(code);
}

void run_init(struct launch *launch)
{
	const struct plan *plan = &launch->plan;
	/* Die with the launcher; if it already died, the pipe reports a hang-up. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(EXIT_SETUP, "pdeathsig", "%s", strerror(errno));
	struct pollfd parent = {.fd = launch->parent_alive, .events = POLLIN};
	if (poll(&parent, 1, 0) > 0)
		_exit(EXIT_SETUP);
	if (!plan->ns.pid)
		prctl(PR_SET_CHILD_SUBREAPER, 1);

	setup_mounts(plan);
	if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0)
		fail(EXIT_NAMESPACE, "uts", "sethostname: %s", strerror(errno));
	if (plan->ns.net) {
		int result = loopback_up();
		if (result < 0)
			fail(EXIT_NAMESPACE, "net", "bringing lo up: %s", strerror(-result));
	}
	int listener = plan->bridge.enabled ? bridge_listen(plan) : -1;

	sigset_t signals;
	sigprocmask(SIG_BLOCK, NULL, &signals); /* blocked by the launcher before fork */
	int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
	if (signal_fd < 0)
		fail(EXIT_SETUP, "signals", "signalfd: %s", strerror(errno));

	fflush(NULL);
	pid_t command = spawn_command(launch);
	if (command < 0)
		fail(EXIT_SETUP, "fork", "%s", strerror(-command));
	if (launch->pty_slave >= 0)
		close(launch->pty_slave);
	close(launch->parent_alive);
	/* A bridge peer that hangs up must not kill PID 1 (the command was forked with the default). */
	signal(SIGPIPE, SIG_IGN);

	struct pollfd fds[2 + 2 * 256];
	for (;;) {
		fds[0] = (struct pollfd){.fd = signal_fd, .events = POLLIN};
		fds[1] = (struct pollfd){.fd = listener, .events = POLLIN};
		size_t bridged = listener >= 0 ? bridge_poll_fill(fds + 2, sizeof fds / sizeof fds[0] - 2) : 0;
		if (poll(fds, 2 + bridged, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail(EXIT_SETUP, "init", "poll: %s", strerror(errno));
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo info;
			while (read(signal_fd, &info, sizeof info) == sizeof info) {
				if (info.ssi_signo == SIGCHLD) {
					int status;
					pid_t reaped;
					while ((reaped = waitpid(-1, &status, WNOHANG)) > 0)
						if (reaped == command)
							finish(launch, command_status(status));
				} else if (!plan->ns.pid || info.ssi_pid == 0) {
					/* Only from the launcher (outside the namespace: sender pid 0 here). */
					kill(command, (int)info.ssi_signo);
				}
			}
		}
		if (listener >= 0) {
			if (fds[1].revents & POLLIN)
				bridge_accept(launch, listener);
			bridge_poll_handle(fds + 2, bridged);
		}
	}
}
