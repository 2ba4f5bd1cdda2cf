/* Landlock through raw system calls. The kernel headers of older distributions lack the ABI 3-7
 * constants, so the missing ones are defined here with the kernel's values. */
#define _GNU_SOURCE
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
/* ABI 4: network rules. */
#define NC_RULE_NET_PORT 2
#define NC_ACCESS_NET_BIND_TCP (1ULL << 0)
#define NC_ACCESS_NET_CONNECT_TCP (1ULL << 1)
/* ABI 6: scoping. */
#define NC_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define NC_SCOPE_SIGNAL (1ULL << 1)
/* ABI 7: landlock_restrict_self() logging flags. */
#define NC_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#define NC_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)

/* The ruleset attribute as of ABI 6; older ABIs get a shorter size (as an older kernel expects). */
struct nc_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct nc_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#define FS_ABI1                                                                                         \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |    \
	 LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |     \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |  \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

/* Rights that make sense on a file (not a directory): Landlock rejects the others on files. */
#define FS_FILE_RIGHTS                                                                              \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

int landlock_kernel_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

int landlock_effective_abi(const struct plan *plan, int kernel_abi)
{
	if (plan->abi_override >= 0 && plan->abi_override < kernel_abi)
		return plan->abi_override;
	return kernel_abi;
}

static uint64_t handled_fs(int abi)
{
	uint64_t handled = abi >= 1 ? FS_ABI1 : 0;
	if (abi >= 2)
		handled |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		handled |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return handled;
}

static uint64_t rights_of(unsigned access)
{
	uint64_t rights = 0;
	if (access & ACCESS_READ)
		rights |= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	if (access & ACCESS_WRITE)
		rights |= LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
			  LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SYM |
			  LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_REFER;
	if (access & ACCESS_EXECUTE)
		rights |= LANDLOCK_ACCESS_FS_EXECUTE;
	if (access & ACCESS_MAKE_SPECIAL)
		rights |= LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
			  LANDLOCK_ACCESS_FS_MAKE_SOCK;
	if (access & ACCESS_IOCTL_DEV)
		rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return rights;
}

struct feature {
	int abi;
	const char *name;
	const char *kernel;
	const char *consequence;
};

static const struct feature feature_fs = {1, "filesystem rules", "5.13",
					  "file system access is not restricted by Landlock"};
static const struct feature feature_truncate = {3, "truncate control", "6.2",
						"truncate(2) of files granted only read access is not restricted by Landlock"};
static const struct feature feature_tcp = {4, "TCP port rules", "6.7",
					   "network connect is not restricted by Landlock"};
static const struct feature feature_ioctl = {5, "device ioctl control", "6.10",
					     "ioctl on device files is not restricted by Landlock"};
static const struct feature feature_signal = {6, "signal scoping", "6.12",
					      "signals to processes outside the sandbox are not blocked by Landlock"};
static const struct feature feature_abstract = {
	6, "abstract Unix socket scoping", "6.12",
	"connecting to abstract Unix sockets outside the sandbox is not blocked by Landlock"};

size_t landlock_missing(const struct plan *plan, int abi, char lines[][256])
{
	const struct feature *needed[LANDLOCK_MAX_MISSING];
	size_t count = 0;
	bool ioctl_rules = false;
	for (size_t index = 0; index < plan->landlock.path_count; index++)
		if (plan->landlock.paths[index].access & ACCESS_IOCTL_DEV)
			ioctl_rules = true;
	needed[count++] = &feature_fs;
	if (plan->landlock.required_truncate)
		needed[count++] = &feature_truncate;
	if (plan->landlock.has_net && plan->landlock.required_net)
		needed[count++] = &feature_tcp;
	if (ioctl_rules)
		needed[count++] = &feature_ioctl;
	if (plan->landlock.scope_signal && plan->landlock.required_scope)
		needed[count++] = &feature_signal;
	if (plan->landlock.scope_abstract_unix && plan->landlock.required_scope)
		needed[count++] = &feature_abstract;

	size_t missing = 0;
	for (size_t index = 0; index < count; index++) {
		const struct feature *feature = needed[index];
		if (abi >= feature->abi)
			continue;
		snprintf(lines[missing++], 256, "Landlock ABI %d lacks %s (needs ABI %d, kernel %s): %s", abi,
			 feature->name, feature->abi, feature->kernel, feature->consequence);
	}
	return missing;
}

static void add_port_rules(int ruleset, const uint16_t *ports, size_t count, uint64_t right)
{
	for (size_t index = 0; index < count; index++) {
		struct nc_net_port_attr rule = {.allowed_access = right, .port = ports[index]};
		if (syscall(__NR_landlock_add_rule, ruleset, NC_RULE_NET_PORT, &rule, 0) < 0)
			fail(EXIT_LANDLOCK, "landlock", "adding the TCP port rule %u: %s", ports[index], strerror(errno));
	}
}

void landlock_apply(const struct plan *plan, int abi)
{
	if (abi < 1)
		return; /* nothing to apply; landlock_missing() reported it (best_effort) or we refused already */

	struct nc_ruleset_attr attr = {.handled_access_fs = handled_fs(abi)};
	size_t attr_size = sizeof attr.handled_access_fs;
	if (abi >= 4) {
		attr_size = offsetof(struct nc_ruleset_attr, scoped);
		if (plan->landlock.has_net)
			attr.handled_access_net = NC_ACCESS_NET_BIND_TCP | NC_ACCESS_NET_CONNECT_TCP;
	}
	if (abi >= 6) {
		attr_size = sizeof attr;
		if (plan->landlock.scope_signal)
			attr.scoped |= NC_SCOPE_SIGNAL;
		if (plan->landlock.scope_abstract_unix)
			attr.scoped |= NC_SCOPE_ABSTRACT_UNIX_SOCKET;
	}

	int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, attr_size, 0);
	if (ruleset < 0)
		fail(EXIT_LANDLOCK, "landlock", "creating the ruleset (ABI %d): %s", abi, strerror(errno));

	for (size_t index = 0; index < plan->landlock.path_count; index++) {
		const struct plan_path *rule = &plan->landlock.paths[index];
		/* O_PATH follows symlinks: Landlock rules attach to the inode the path names now. */
		int fd = open(rule->path, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if (plan->verbose)
				report("landlock", "skipping %s: %s", rule->path, strerror(errno));
			continue;
		}
		struct stat status;
		if (fstat(fd, &status) < 0)
			fail(EXIT_LANDLOCK, "landlock", "stat %s: %s", rule->path, strerror(errno));
		uint64_t allowed = rights_of(rule->access) & attr.handled_access_fs;
		if (!S_ISDIR(status.st_mode))
			allowed &= FS_FILE_RIGHTS;
		if (allowed) {
			struct landlock_path_beneath_attr beneath = {.allowed_access = allowed, .parent_fd = fd};
			if (syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) < 0)
				fail(EXIT_LANDLOCK, "landlock", "adding the rule for %s: %s", rule->path, strerror(errno));
		}
		close(fd);
	}
	if (attr.handled_access_net) {
		add_port_rules(ruleset, plan->landlock.connect_tcp, plan->landlock.connect_count, NC_ACCESS_NET_CONNECT_TCP);
		add_port_rules(ruleset, plan->landlock.bind_tcp, plan->landlock.bind_count, NC_ACCESS_NET_BIND_TCP);
	}

	unsigned flags = 0;
	if (abi >= 7)
		flags = plan->landlock.log ? NC_RESTRICT_SELF_LOG_NEW_EXEC_ON : NC_RESTRICT_SELF_LOG_SAME_EXEC_OFF;
	if (syscall(__NR_landlock_restrict_self, ruleset, flags) < 0)
		fail(EXIT_LANDLOCK, "landlock", "restricting the sandbox: %s", strerror(errno));
	close(ruleset);
}
