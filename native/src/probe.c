/* --probe: what this kernel lets the launcher enforce, each namespace found by actually creating
 * it in a throw-away child process. */
#define _GNU_SOURCE
#include "landlock.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static bool sysctl_is(const char *path, const char *value)
{
	char text[32];
	if (read_small_file(path, text, sizeof text) <= 0)
		return false;
	text[strcspn(text, "\n")] = '\0';
	return strcmp(text, value) == 0;
}

const char *userns_restriction(void)
{
	if (sysctl_is("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1"))
		return "kernel.apparmor_restrict_unprivileged_userns=1: AppArmor denies user namespaces to programs "
		       "without a profile that allows them; see native/README.md for the profile to install";
	if (sysctl_is("/proc/sys/kernel/unprivileged_userns_clone", "0"))
		return "kernel.unprivileged_userns_clone=0: unprivileged user namespaces are disabled";
	if (sysctl_is("/proc/sys/user/max_user_namespaces", "0"))
		return "user.max_user_namespaces=0: user namespaces are disabled";
	return NULL;
}

/* Runs test in a child; returns 0 when it succeeded, else the errno it reported (and its stage). */
struct outcome {
	int error;
	char stage[64];
};

static struct outcome in_child(int (*test)(char *stage, size_t size, void *context), void *context)
{
	struct outcome outcome = {.error = EIO, .stage = "fork"};
	int channel[2];
	if (pipe2(channel, O_CLOEXEC) < 0) {
		outcome.error = errno;
		return outcome;
	}
	pid_t child = fork();
	if (child < 0) {
		outcome.error = errno;
		close(channel[0]);
		close(channel[1]);
		return outcome;
	}
	if (child == 0) {
		close(channel[0]);
		struct outcome mine = {.error = 0};
		mine.error = test(mine.stage, sizeof mine.stage, context);
		ssize_t written = write(channel[1], &mine, sizeof mine);
		_exit(written == sizeof mine ? 0 : 1);
	}
	close(channel[1]);
	struct outcome received;
	if (read(channel[0], &received, sizeof received) == sizeof received)
		outcome = received;
	close(channel[0]);
	int status;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return outcome;
}

#define STAGE(text) snprintf(stage, size, "%s", text)

static int enter_user_namespace(char *stage, size_t size)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	STAGE("unshare(CLONE_NEWUSER)");
	if (unshare(CLONE_NEWUSER) < 0)
		return errno;
	char line[64];
	int result = write_file("/proc/self/setgroups", "deny");
	STAGE("writing /proc/self/setgroups");
	if (result < 0 && result != -ENOENT)
		return -result;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	STAGE("writing /proc/self/uid_map");
	if ((result = write_file("/proc/self/uid_map", line)) < 0)
		return -result;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	STAGE("writing /proc/self/gid_map");
	if ((result = write_file("/proc/self/gid_map", line)) < 0)
		return -result;
	return 0;
}

static int test_user(char *stage, size_t size, void *context)
{
	(void)context;
	int error = enter_user_namespace(stage, size);
	if (error)
		return error;
	/* Under AppArmor's restriction the namespace may exist without capabilities: try using one. */
	STAGE("unshare(CLONE_NEWNS) inside the user namespace");
	if (unshare(CLONE_NEWNS) < 0)
		return errno;
	STAGE("mounting a tmpfs inside the user namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mount("tmpfs", "/tmp", "tmpfs", 0, "size=4k") < 0)
		return errno;
	return 0;
}

struct namespace_test {
	int flag;
	const char *name;
};

static int test_namespace(char *stage, size_t size, void *context)
{
	const struct namespace_test *test = context;
	/* Inside a new user namespace, as the launcher does; root may go without one. */
	int error = enter_user_namespace(stage, size);
	if (error && geteuid() != 0)
		return error;
	snprintf(stage, size, "unshare(%s)", test->name);
	if (unshare(test->flag) < 0)
		return errno;
	if (test->flag == CLONE_NEWNET) {
		STAGE("bringing lo up");
		int result = loopback_up();
		if (result < 0)
			return -result;
	}
	return 0;
}

static int test_proc(char *stage, size_t size, void *context)
{
	(void)context;
	int error = enter_user_namespace(stage, size);
	if (error && geteuid() != 0)
		return error;
	STAGE("unshare(CLONE_NEWNS|CLONE_NEWPID)");
	if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0)
		return errno;
	pid_t child = fork();
	if (child < 0)
		return errno;
	if (child == 0) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	int status;
	if (waitpid(child, &status, 0) < 0)
		return errno;
	STAGE("mounting a new procfs");
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

static int test_seccomp_filter(char *stage, size_t size, void *context)
{
	(void)context;
	STAGE("prctl(PR_SET_NO_NEW_PRIVS)");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errno;
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog program = {.len = 1, .filter = &allow};
	STAGE("seccomp(SECCOMP_SET_MODE_FILTER)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) < 0)
		return errno;
	return 0;
}

static int test_no_new_privs(char *stage, size_t size, void *context)
{
	(void)context;
	STAGE("prctl(PR_SET_NO_NEW_PRIVS)");
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? errno : 0;
}

static json_t *reason_of(struct outcome outcome, bool user_related)
{
	if (!outcome.error)
		return json_null();
	const char *why = user_related && (outcome.error == EPERM || outcome.error == EACCES || outcome.error == ENOSPC)
				  ? userns_restriction()
				  : NULL;
	char text[512];
	snprintf(text, sizeof text, "%s: %s%s%s", outcome.stage, strerror(outcome.error), why ? " (" : "", why ? why : "");
	if (why)
		strncat(text, ")", sizeof text - strlen(text) - 1);
	return json_string(text);
}

int run_probe(void)
{
	struct utsname machine;
	uname(&machine);
	json_t *report_object = json_object();
	json_object_set_new(report_object, "version", json_string(LAUNCHER_VERSION));
	json_object_set_new(report_object, "kernel", json_string(machine.release));
	json_object_set_new(report_object, "arch", json_string(machine.machine));
	json_object_set_new(report_object, "landlock_abi", json_integer(landlock_kernel_abi()));
	json_object_set_new(report_object, "seccomp", json_boolean(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0));
	json_object_set_new(report_object, "seccomp_filter", json_boolean(in_child(test_seccomp_filter, NULL).error == 0));

	struct outcome user = in_child(test_user, NULL);
	json_object_set_new(report_object, "user_namespaces", json_boolean(user.error == 0));
	json_object_set_new(report_object, "user_namespaces_reason", reason_of(user, true));

	static const struct namespace_test tests[] = {
		{CLONE_NEWNET, "CLONE_NEWNET"}, {CLONE_NEWNS, "CLONE_NEWNS"},   {CLONE_NEWPID, "CLONE_NEWPID"},
		{CLONE_NEWIPC, "CLONE_NEWIPC"}, {CLONE_NEWUTS, "CLONE_NEWUTS"}, {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
	};
	static const char *const keys[] = {"net", "mount", "pid", "ipc", "uts", "cgroup"};
	for (size_t index = 0; index < sizeof tests / sizeof tests[0]; index++) {
		struct outcome outcome = in_child(test_namespace, (void *)&tests[index]);
		char key[64];
		snprintf(key, sizeof key, "%s_namespaces", keys[index]);
		json_object_set_new(report_object, key, json_boolean(outcome.error == 0));
		snprintf(key, sizeof key, "%s_namespaces_reason", keys[index]);
		json_object_set_new(report_object, key, reason_of(outcome, true));
	}
	struct outcome proc = in_child(test_proc, NULL);
	json_object_set_new(report_object, "proc_mount", json_boolean(proc.error == 0));
	json_object_set_new(report_object, "proc_mount_reason", reason_of(proc, true));
	json_object_set_new(report_object, "apparmor_userns_restricted",
			    json_boolean(sysctl_is("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1")));
	json_object_set_new(report_object, "no_new_privs", json_boolean(in_child(test_no_new_privs, NULL).error == 0));

	char *text = json_dumps(report_object, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		return EXIT_SETUP;
	puts(text);
	free(text);
	json_decref(report_object);
	return 0;
}
