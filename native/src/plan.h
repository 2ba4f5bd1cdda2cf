/* The launch plan (native/PLAN.md), parsed and validated. */
#ifndef NEMOCLAW_PLAN_H
#define NEMOCLAW_PLAN_H

#include "common.h"

#include <sys/resource.h>

enum {
	ACCESS_READ = 1 << 0,
	ACCESS_WRITE = 1 << 1,
	ACCESS_EXECUTE = 1 << 2,
	ACCESS_MAKE_SPECIAL = 1 << 3,
	ACCESS_IOCTL_DEV = 1 << 4,
};

struct plan_path {
	char *path;
	unsigned access; /* ACCESS_* */
};

struct plan_rlimit {
	int resource;      /* RLIMIT_* */
	const char *name;  /* the plan's key */
	rlim_t value;
};

#define PLAN_MAX_RLIMITS 16

struct plan {
	char **argv;       /* NULL-terminated */
	size_t argc;
	char *cwd;         /* may be NULL: keep the current directory */
	char **envp;       /* NULL-terminated "KEY=VALUE" */
	size_t envc;
	struct {
		bool user, mount, pid, net, ipc, uts, cgroup;
	} ns;
	char *hostname;    /* may be NULL */
	struct {
		bool proc, private_tmp;
		char **deny;
		size_t deny_count;
		char **read_only_binds;
		size_t read_only_bind_count;
		bool read_only_root;   /* the whole tree read-only, then `writable` bound back */
		char **writable;
		size_t writable_count;
		char **no_exec;        /* re-bound noexec (mmap PROT_EXEC and ld.so refused too) */
		size_t no_exec_count;
		char **placeholders;   /* missing directories: created empty, bound read-only, removed at exit */
		size_t placeholder_count;
		char **placeholder_files;    /* missing files: created with their neutral content, bound */
		char **placeholder_contents; /* read-only, removed at exit when unchanged (placeholders.c) */
		size_t placeholder_file_count;
	} fs;
	struct {
		bool hard_requirement;
		struct plan_path *paths;
		size_t path_count;
		bool has_net;
		uint16_t *connect_tcp;
		size_t connect_count;
		uint16_t *bind_tcp;
		size_t bind_count;
		bool scope_signal, scope_abstract_unix;
		bool log;
		/* which protections hard_requirement insists on (the namespaces may cover them) */
		bool required_truncate, required_net, required_scope;
	} landlock;
	struct plan_rlimit rlimits[PLAN_MAX_RLIMITS];
	size_t rlimit_count;
	unsigned long wall_seconds;
	struct {
		bool strict;
		char **allow;
		size_t allow_count;
		char **deny;
		size_t deny_count;
		bool allow_unix_sockets;
	} seccomp;
	int *keep_fds;     /* sorted, unique */
	size_t keep_fd_count;
	struct {
		bool enabled;
		int family;            /* AF_INET or AF_INET6 */
		unsigned char address[16];
		uint16_t port;
		char *listen;          /* as written */
		char *unix_socket;
	} bridge;
	bool pty;
	int abi_override; /* -1 = none */
	bool verbose;
};

/* Parses and validates a plan; on error writes a one-line reason into error and returns -1. */
int plan_parse(const char *text, size_t length, int plan_fd, struct plan *plan, char *error, size_t error_size);

#endif
