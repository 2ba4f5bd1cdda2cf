/* The command's process: new session (and the pty as controlling terminal), working directory,
 * command lookup, Landlock, rlimits, no_new_privs, capabilities dropped, inherited fds closed,
 * seccomp last, then execve with exactly the plan's environment. */
#define _GNU_SOURCE
#include "cgroup.h"
#include "filter.h"
#include "landlock.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

static const char *plan_env(const struct plan *plan, const char *name)
{
	size_t length = strlen(name);
	for (size_t index = 0; index < plan->envc; index++)
		if (strncmp(plan->envp[index], name, length) == 0 && plan->envp[index][length] == '=')
			return plan->envp[index] + length + 1;
	return NULL;
}

static char *copy_of(const char *text)
{
	char *copy = strdup(text);
	if (!copy)
		fail(EXIT_SETUP, "exec", "out of memory");
	return copy;
}

/* execvpe's search, done before Landlock so that directories the sandbox cannot read do not turn
 * "not found" into "permission denied". Returns the path to exec; exits 127 or 126 like a shell. */
static char *find_command(const struct plan *plan)
{
	const char *name = plan->argv[0];
	if (strchr(name, '/')) {
		struct stat status;
		if (stat(name, &status) < 0)
			fail(errno == ENOENT || errno == ENOTDIR ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, "exec", "%s: %s",
			     name, strerror(errno));
		if (S_ISDIR(status.st_mode))
			fail(EXIT_NOT_EXECUTABLE, "exec", "%s: Is a directory", name);
		return copy_of(name);
	}
	const char *search = plan_env(plan, "PATH");
	if (!search)
		search = "/bin:/usr/bin"; /* confstr(_CS_PATH), as execvpe */
	bool denied = false;
	const char *start = search;
	for (;;) {
		const char *end = strchrnul(start, ':');
		size_t length = (size_t)(end - start);
		char candidate[PATH_MAX];
		if (length == 0)
			snprintf(candidate, sizeof candidate, "%s", name); /* empty entry = current directory */
		else
			snprintf(candidate, sizeof candidate, "%.*s/%s", (int)length, start, name);
		struct stat status;
		if (stat(candidate, &status) == 0 && !S_ISDIR(status.st_mode)) {
			if (access(candidate, X_OK) == 0)
				return copy_of(candidate);
			denied = true;
		}
		if (*end == '\0')
			break;
		start = end + 1;
	}
	if (denied)
		fail(EXIT_NOT_EXECUTABLE, "exec", "%s: Permission denied", name);
	fail(EXIT_NOT_FOUND, "exec", "%s: command not found", name);
}

static void drop_capabilities(void)
{
	/* Capabilities are numbered 0..CAP_LAST_CAP without gaps: EINVAL marks the end. */
	for (int capability = 0; capability <= 63; capability++)
		if (prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) < 0) {
			if (errno == EINVAL && capability > 0)
				break;
			fail(EXIT_SETUP, "capabilities", "dropping %d from the bounding set: %s", capability, strerror(errno));
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		fail(EXIT_SETUP, "capabilities", "clearing the ambient set: %s", strerror(errno));
	/* Root inside (a root caller) gets no capabilities back on execve, and none can be raised again. */
	unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			     SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0 && errno != EPERM)
		fail(EXIT_SETUP, "capabilities", "securebits: %s", strerror(errno));
	struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &header, data) < 0)
		fail(EXIT_SETUP, "capabilities", "capset: %s", strerror(errno));
}

static void close_inherited_fds(const struct plan *plan)
{
	unsigned low = 3;
	for (size_t index = 0; index <= plan->keep_fd_count; index++) {
		unsigned high = index < plan->keep_fd_count ? (unsigned)plan->keep_fds[index] - 1 : ~0U;
		if (high >= low && syscall(SYS_close_range, low, high, 0) < 0) {
			if (errno != ENOSYS)
				fail(EXIT_SETUP, "fds", "close_range: %s", strerror(errno));
			for (unsigned fd = low; fd <= high && fd < 65536; fd++)
				close((int)fd);
		}
		if (index < plan->keep_fd_count)
			low = (unsigned)plan->keep_fds[index] + 1;
	}
}

static void say_what_is_enforced(const struct launch *launch)
{
	const struct plan *plan = &launch->plan;
	char line[1536];
	size_t used = 0;
#define ADD(...) (used += (size_t)snprintf(line + used, used < sizeof line ? sizeof line - used : 0, __VA_ARGS__))
	ADD("namespaces=");
	const char *names[] = {"user", "mount", "pid", "net", "ipc", "uts", "cgroup"};
	const bool on[] = {plan->ns.user, plan->ns.mount, plan->ns.pid, plan->ns.net, plan->ns.ipc, plan->ns.uts, plan->ns.cgroup};
	bool first = true;
	for (size_t index = 0; index < 7; index++)
		if (on[index]) {
			ADD("%s%s", first ? "" : ",", names[index]);
			first = false;
		}
	if (first)
		ADD("none");
	ADD(" landlock=ABI%d(kernel %d) paths=%zu", launch->abi, launch->kernel_abi, plan->landlock.path_count);
	if (plan->landlock.has_net && launch->abi >= 4) {
		ADD(" tcp_connect=[");
		for (size_t index = 0; index < plan->landlock.connect_count; index++)
			ADD("%s%u", index ? "," : "", plan->landlock.connect_tcp[index]);
		ADD("] tcp_bind=[");
		for (size_t index = 0; index < plan->landlock.bind_count; index++)
			ADD("%s%u", index ? "," : "", plan->landlock.bind_tcp[index]);
		ADD("]");
	}
	if (launch->abi >= 6)
		ADD(" scope=%s%s", plan->landlock.scope_signal ? "signal," : "",
		    plan->landlock.scope_abstract_unix ? "abstract_unix" : "");
	ADD(" log=%s", plan->landlock.log && launch->abi >= 7 ? "on" : "off");
	if (launch->missing_count)
		ADD(" best_effort_missing=%zu", launch->missing_count);
	ADD(" seccomp=%s(%zu rules%s) masks=%zu ro_binds=%zu", plan->seccomp.strict ? "strict" : "default",
	    launch->filter_rules, plan->seccomp.allow_unix_sockets ? ",unix sockets allowed" : "", plan->fs.deny_count,
	    plan->fs.read_only_bind_count);
	for (size_t index = 0; index < plan->seccomp.allow_count; index++)
		ADD(" allow:%s", plan->seccomp.allow[index]);
	ADD(" rlimits=");
	for (size_t index = 0; index < plan->rlimit_count; index++)
		ADD("%s%s:%llu", index ? "," : "", plan->rlimits[index].name, (unsigned long long)plan->rlimits[index].value);
	ADD(" wall=%lus bridge=%s pty=%s no_new_privs caps=none", plan->wall_seconds,
	    plan->bridge.enabled ? plan->bridge.listen : "none", plan->pty ? "on" : "off");
#undef ADD
	report("enforcing", "%s", line);
}

void run_command(struct launch *launch)
{
	const struct plan *plan = &launch->plan;
	/* First of all, before it can fork: into the pids cgroup (a root caller's rlimits.nproc). The
	 * cgroup holds the command and all it starts, and nothing else: pids.max = nproc. */
	if (launch->pids_cgroup) {
		int result = pids_cgroup_enter();
		if (result < 0)
			fail(EXIT_SETUP, "cgroup", "entering the pids cgroup: %s", strerror(-result));
	}
	/* New session: no controlling terminal to inject keystrokes into (TIOCSTI), own process group. */
	if (setsid() < 0)
		fail(EXIT_SETUP, "setsid", "%s", strerror(errno));
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (launch->pty_slave >= 0) {
		if (ioctl(launch->pty_slave, TIOCSCTTY, 0) < 0)
			fail(EXIT_SETUP, "pty", "TIOCSCTTY: %s", strerror(errno));
		for (int fd = 0; fd < 3; fd++)
			if (dup2(launch->pty_slave, fd) < 0)
				fail(EXIT_SETUP, "pty", "dup2: %s", strerror(errno));
		if (launch->pty_slave > 2)
			close(launch->pty_slave);
	}
	if (plan->cwd && chdir(plan->cwd) < 0)
		fail(EXIT_SETUP, "cwd", "%s: %s", plan->cwd, strerror(errno));
	char *path = find_command(plan);

	/* no_new_privs before Landlock: landlock_restrict_self() needs it (or CAP_SYS_ADMIN). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(EXIT_SETUP, "no_new_privs", "%s", strerror(errno));
	landlock_apply(plan, launch->abi);
	for (size_t index = 0; index < plan->rlimit_count; index++) {
		struct rlimit limit = {.rlim_cur = plan->rlimits[index].value, .rlim_max = plan->rlimits[index].value};
		if (setrlimit(plan->rlimits[index].resource, &limit) < 0)
			fail(EXIT_SETUP, "rlimits", "%s=%llu: %s", plan->rlimits[index].name,
			     (unsigned long long)plan->rlimits[index].value, strerror(errno));
	}
	drop_capabilities();
	close_inherited_fds(plan);
	if (plan->verbose)
		say_what_is_enforced(launch);
	int result = filter_install(&launch->filter);
	if (result < 0)
		fail(EXIT_SECCOMP, "seccomp", "installing the filter: %s", strerror(-result));

	execve(path, plan->argv, plan->envp);
	int error = errno;
	if (error == ENOEXEC) {
		/* A script without #!: run it with /bin/sh, as execvpe does. */
		char **shell = calloc(plan->argc + 2, sizeof *shell);
		if (shell) {
			shell[0] = (char *)"/bin/sh";
			shell[1] = path;
			for (size_t index = 1; index < plan->argc; index++)
				shell[index + 1] = plan->argv[index];
			execve("/bin/sh", shell, plan->envp);
		}
	}
	fail(error == ENOENT || error == ENOTDIR ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, "exec", "%s: %s", path,
	     strerror(error));
}
