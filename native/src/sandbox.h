/* The three processes of a launch: the launcher (outside the PID namespace), PID 1 inside
 * (mounts, reaping, signal forwarding, the bridge) and the command. */
#ifndef NEMOCLAW_SANDBOX_H
#define NEMOCLAW_SANDBOX_H

#include "plan.h"

#include <linux/filter.h>
#include <poll.h>
#include <seccomp.h>

struct launch {
	struct plan plan;
	int kernel_abi;
	int abi;                 /* effective Landlock ABI */
	size_t missing_count;    /* Landlock protections missing (best_effort) */
	struct sock_fprog filter; /* compiled BPF */
	size_t filter_rules;
	int pty_slave;           /* -1 without a pty */
	int bridge_directory;    /* O_PATH fd of the directory holding the proxy socket, or -1 */
	const char *bridge_name; /* the socket's name in that directory */
	int parent_alive;        /* read end of a pipe whose write end only the launcher holds */
	int finished;            /* PID 1 writes the command's exit code here (int) once all else is dead; -1 in join mode */
	bool pids_cgroup;        /* the command enters the pids cgroup (cgroup.c) before anything else */
};

/* PID 1 of the sandbox: never returns. */
__attribute__((noreturn)) void run_init(struct launch *launch);
/* The command's process: final restrictions, then execve. Never returns. */
__attribute__((noreturn)) void run_command(struct launch *launch);

/* Accepts one bridge connection and starts relaying it (bridge.c). */
void bridge_accept(struct launch *launch, int listener);
/* Adds the bridge's fds to a poll set; returns how many were added. */
size_t bridge_poll_fill(struct pollfd *fds, size_t capacity);
/* Handles the poll results for the fds bridge_poll_fill added. */
void bridge_poll_handle(const struct pollfd *fds, size_t count);
/* Creates the listening socket inside the network namespace. Exits 125 on failure. */
int bridge_listen(const struct plan *plan);

/* Explains why a user namespace could not be created (AppArmor, sysctls), or NULL. */
const char *userns_restriction(void);
/* Brings the loopback interface up; returns 0 or -errno. */
int loopback_up(void);

/* --probe */
int run_probe(void);

#endif
