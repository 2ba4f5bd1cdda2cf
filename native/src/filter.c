/* seccomp filter built with libseccomp. Default action: allow; listed calls fail with EPERM
 * (clone3 with ENOSYS so that libcs fall back to clone, whose flags we can inspect). A syscall
 * made through another ABI (ia32 via int 0x80, x32) kills the process: the filter only knows the
 * native architecture, so such calls hit the "bad architecture" action. */
#define _GNU_SOURCE
#include "filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

enum kind {
	ALWAYS,      /* every call fails */
	CLONE_NS,    /* clone with any CLONE_NEW* flag */
	PERSONALITY, /* personality other than 0 (PER_LINUX) and 0xffffffff (query) */
	SOCKET,      /* families other than AF_INET, AF_INET6, AF_NETLINK/NETLINK_ROUTE (and AF_UNIX if allowed) */
	IOCTL_TTY,   /* ioctl TIOCSTI and TIOCLINUX */
	ENOSYS_ALWAYS,
};

struct entry {
	const char *name;
	enum kind kind;
	bool strict_only;
};

/* Keep in sync with the tables in native/README.md. */
static const struct entry profile[] = {
	{"ptrace", ALWAYS, false},
	{"process_vm_readv", ALWAYS, false},
	{"process_vm_writev", ALWAYS, false},
	{"bpf", ALWAYS, false},
	{"perf_event_open", ALWAYS, false},
	{"keyctl", ALWAYS, false},
	{"add_key", ALWAYS, false},
	{"request_key", ALWAYS, false},
	{"io_uring_setup", ALWAYS, false},
	{"io_uring_enter", ALWAYS, false},
	{"io_uring_register", ALWAYS, false},
	{"userfaultfd", ALWAYS, false},
	{"mount", ALWAYS, false},
	{"umount2", ALWAYS, false},
	{"fsopen", ALWAYS, false},
	{"fsconfig", ALWAYS, false},
	{"fsmount", ALWAYS, false},
	{"fspick", ALWAYS, false},
	{"move_mount", ALWAYS, false},
	{"open_tree", ALWAYS, false},
	{"open_tree_attr", ALWAYS, false},
	{"pivot_root", ALWAYS, false},
	{"mount_setattr", ALWAYS, false},
	{"setns", ALWAYS, false},
	{"unshare", ALWAYS, false},
	{"clone", CLONE_NS, false},
	{"clone3", ENOSYS_ALWAYS, false},
	{"kexec_load", ALWAYS, false},
	{"kexec_file_load", ALWAYS, false},
	{"init_module", ALWAYS, false},
	{"finit_module", ALWAYS, false},
	{"delete_module", ALWAYS, false},
	{"swapon", ALWAYS, false},
	{"swapoff", ALWAYS, false},
	{"reboot", ALWAYS, false},
	{"acct", ALWAYS, false},
	{"personality", PERSONALITY, false},
	{"socket", SOCKET, false},
	{"quotactl", ALWAYS, false},
	{"quotactl_fd", ALWAYS, false},
	{"lookup_dcookie", ALWAYS, false},
	{"ioperm", ALWAYS, false},
	{"iopl", ALWAYS, false},
	{"name_to_handle_at", ALWAYS, false},
	{"open_by_handle_at", ALWAYS, false},
	/* strict */
	{"memfd_create", ALWAYS, true},
	{"memfd_secret", ALWAYS, true},
	{"execveat", ALWAYS, true},
	{"pidfd_open", ALWAYS, true},
	{"pidfd_getfd", ALWAYS, true},
	{"pidfd_send_signal", ALWAYS, true},
	{"process_madvise", ALWAYS, true},
	{"kcmp", ALWAYS, true},
	{"chroot", ALWAYS, true},
	{"vhangup", ALWAYS, true},
	{"uselib", ALWAYS, true},
	{"sysfs", ALWAYS, true},
	{"ustat", ALWAYS, true},
	{"ioctl", IOCTL_TTY, true},
};

/* System calls newer than the libseccomp this was built with (same number on every 64-bit arch
 * using the generic table and on x86_64). */
static const struct {
	const char *name;
	int number;
} newer[] = {
	{"open_tree_attr", 467},
};

static int resolve(const char *name)
{
	int number = seccomp_syscall_resolve_name(name);
	if (number != __NR_SCMP_ERROR)
		return number;
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv)
	for (size_t index = 0; index < sizeof newer / sizeof newer[0]; index++)
		if (strcmp(newer[index].name, name) == 0)
			return newer[index].number;
#endif
	return __NR_SCMP_ERROR;
}

static bool listed(char **list, size_t count, const char *name)
{
	for (size_t index = 0; index < count; index++)
		if (strcmp(list[index], name) == 0)
			return true;
	return false;
}

static void add(scmp_filter_ctx context, uint32_t action, int number, const char *name, size_t *rules,
		unsigned count, const struct scmp_arg_cmp *comparisons)
{
	int result = seccomp_rule_add_array(context, action, number, count, comparisons);
	if (result < 0)
		fail(EXIT_SECCOMP, "seccomp", "adding the rule for %s: %s", name, strerror(-result));
	(*rules)++;
}

static void add_entry(scmp_filter_ctx context, const struct entry *entry, int number, const struct plan *plan,
		      size_t *rules)
{
	const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
	switch (entry->kind) {
	case ALWAYS:
		add(context, deny, number, entry->name, rules, 0, NULL);
		break;
	case ENOSYS_ALWAYS:
		add(context, SCMP_ACT_ERRNO(ENOSYS), number, entry->name, rules, 0, NULL);
		break;
	case CLONE_NS: {
		/* clone(flags, ...) on every architecture libseccomp supports keeps flags in argument 0. */
		static const unsigned long flags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
						      CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID, CLONE_NEWNET};
		for (size_t index = 0; index < sizeof flags / sizeof flags[0]; index++) {
			struct scmp_arg_cmp test = SCMP_A0_64(SCMP_CMP_MASKED_EQ, flags[index], flags[index]);
			add(context, deny, number, entry->name, rules, 1, &test);
		}
		break;
	}
	case PERSONALITY: {
		/* Deny every value whose low 32 bits (the kernel takes an unsigned int) are neither all
		 * zeros (PER_LINUX) nor all ones (the query). Read cyclically, such a value has a 1 bit
		 * followed by a 0 bit, so one rule per bit i, "bit i set and bit i+1 (mod 32) clear",
		 * covers exactly those values (libseccomp allows one comparison per argument and rule). */
		for (unsigned bit = 0; bit < 32; bit++) {
			unsigned long long one = 1ULL << bit, next = 1ULL << ((bit + 1) % 32);
			struct scmp_arg_cmp test = SCMP_A0_64(SCMP_CMP_MASKED_EQ, one | next, one);
			add(context, deny, number, entry->name, rules, 1, &test);
		}
		break;
	}
	case SOCKET: {
		/* socket(int family, int type, int protocol): compare the low 32 bits only, as the kernel
		 * does. Allowed: AF_INET (2), AF_INET6 (10), AF_NETLINK (16) with NETLINK_ROUTE, and
		 * AF_UNIX (1) when the plan says so. */
		struct scmp_arg_cmp low = SCMP_A0_32(SCMP_CMP_LT, plan->seccomp.allow_unix_sockets ? AF_UNIX : AF_INET);
		add(context, deny, number, entry->name, rules, 1, &low);
		for (unsigned family = AF_INET + 1; family < AF_NETLINK; family++) {
			if (family == AF_INET6)
				continue;
			struct scmp_arg_cmp test = SCMP_A0_32(SCMP_CMP_EQ, family);
			add(context, deny, number, entry->name, rules, 1, &test);
		}
		struct scmp_arg_cmp beyond = SCMP_A0_32(SCMP_CMP_GT, AF_NETLINK);
		add(context, deny, number, entry->name, rules, 1, &beyond);
		struct scmp_arg_cmp netlink[2] = {SCMP_A0_32(SCMP_CMP_EQ, AF_NETLINK),
						  SCMP_A2_32(SCMP_CMP_NE, NETLINK_ROUTE)};
		add(context, deny, number, entry->name, rules, 2, netlink);
		break;
	}
	case IOCTL_TTY: {
		struct scmp_arg_cmp sti = SCMP_A1_32(SCMP_CMP_EQ, TIOCSTI);
		struct scmp_arg_cmp linux_ioctl = SCMP_A1_32(SCMP_CMP_EQ, TIOCLINUX);
		add(context, deny, number, entry->name, rules, 1, &sti);
		add(context, deny, number, entry->name, rules, 1, &linux_ioctl);
		break;
	}
	}
}

scmp_filter_ctx filter_build(const struct plan *plan, size_t *rule_count)
{
	*rule_count = 0;
	for (size_t index = 0; index < plan->seccomp.allow_count; index++)
		if (resolve(plan->seccomp.allow[index]) == __NR_SCMP_ERROR)
			fail(EXIT_BAD_PLAN, "plan", "seccomp.allow: unknown system call \"%s\"", plan->seccomp.allow[index]);
	for (size_t index = 0; index < plan->seccomp.deny_count; index++)
		if (resolve(plan->seccomp.deny[index]) == __NR_SCMP_ERROR)
			fail(EXIT_BAD_PLAN, "plan", "seccomp.deny: unknown system call \"%s\"", plan->seccomp.deny[index]);

	scmp_filter_ctx context = seccomp_init(SCMP_ACT_ALLOW);
	if (!context)
		fail(EXIT_SECCOMP, "seccomp", "seccomp_init failed");
	if (seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0)
		fail(EXIT_SECCOMP, "seccomp", "cannot make foreign-architecture system calls fatal");
	(void)seccomp_attr_set(context, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	for (size_t index = 0; index < sizeof profile / sizeof profile[0]; index++) {
		const struct entry *entry = &profile[index];
		if (entry->strict_only && !plan->seccomp.strict)
			continue;
		if (listed(plan->seccomp.allow, plan->seccomp.allow_count, entry->name) ||
		    listed(plan->seccomp.deny, plan->seccomp.deny_count, entry->name))
			continue;
		int number = resolve(entry->name);
		if (number == __NR_SCMP_ERROR || number < 0)
			continue; /* not a system call on this architecture (e.g. ioperm on arm64) */
		add_entry(context, entry, number, plan, rule_count);
	}
	for (size_t index = 0; index < plan->seccomp.deny_count; index++) {
		int number = resolve(plan->seccomp.deny[index]);
		if (number >= 0) /* a negative number: known to libseccomp but absent on this architecture */
			add(context, SCMP_ACT_ERRNO(EPERM), number, plan->seccomp.deny[index], rule_count, 0, NULL);
	}
	return context;
}

struct precompiled_filter {
	bool strict, unix_sockets;
	size_t rules;
	unsigned short length;
	const struct sock_filter *program;
};

/* Built by the Makefile with src/generator/precompile-filters.c (this file's own filter_build and
 * filter_compile, run at build time); absent in the sanitizer build, which always builds at run time. */
#ifdef PRECOMPILED_FILTERS_HEADER
#include PRECOMPILED_FILTERS_HEADER
#endif

bool filter_precompiled(const struct plan *plan, struct sock_fprog *program, size_t *rule_count)
{
#ifdef PRECOMPILED_FILTER_COUNT
	if (plan->seccomp.allow_count || plan->seccomp.deny_count)
		return false;
	for (size_t index = 0; index < PRECOMPILED_FILTER_COUNT; index++) {
		const struct precompiled_filter *filter = &precompiled_filters[index];
		if (filter->strict != plan->seccomp.strict || filter->unix_sockets != plan->seccomp.allow_unix_sockets)
			continue;
		program->len = filter->length;
		program->filter = (struct sock_filter *)filter->program; /* the kernel only reads it */
		*rule_count = filter->rules;
		return true;
	}
#else
	(void)plan;
	(void)program;
	(void)rule_count;
#endif
	return false;
}

void filter_compile(scmp_filter_ctx context, struct sock_fprog *program)
{
	/* libseccomp 2.5 exports BPF only to a file descriptor: a memfd (a pipe could block when full). */
	int fd = memfd_create("nemoclaw-seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		fail(EXIT_SECCOMP, "seccomp", "memfd_create: %s", strerror(errno));
	int result = seccomp_export_bpf(context, fd);
	if (result < 0)
		fail(EXIT_SECCOMP, "seccomp", "compiling the filter: %s", strerror(-result));
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) || size > (off_t)(4096 * sizeof(struct sock_filter)))
		fail(EXIT_SECCOMP, "seccomp", "libseccomp produced no usable program (%lld bytes)", (long long)size);
	char *bytes = malloc((size_t)size);
	if (!bytes)
		fail(EXIT_SECCOMP, "seccomp", "out of memory");
	if (pread(fd, bytes, (size_t)size, 0) != size)
		fail(EXIT_SECCOMP, "seccomp", "reading the compiled filter: %s", strerror(errno));
	close(fd);
	program->len = (unsigned short)((size_t)size / sizeof(struct sock_filter));
	program->filter = (struct sock_filter *)bytes;
}

int filter_install(const struct sock_fprog *program)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, program) < 0)
		return -errno;
	return 0;
}
