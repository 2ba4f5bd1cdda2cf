/* nemoclaw-sandbox-exec: runs one command inside the sandbox a launch plan describes
 * (native/PLAN.md; the order of operations is explained in native/README.md).
 *
 * This file is the launcher process itself: it reads and validates the plan, builds the seccomp
 * filter, creates the namespaces, forks PID 1 of the new PID namespace, and then waits: it
 * forwards signals, enforces wall_seconds, relays the pty, and exits with the command's status. */
#define _GNU_SOURCE
#include "cgroup.h"
#include "filter.h"
#include "landlock.h"
#include "placeholders.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define PLAN_MAX_BYTES (4 << 20)

static const int forwarded_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

static struct termios saved_terminal;
static bool terminal_saved;

static void usage(FILE *stream)
{
	fprintf(stream, "usage: " LAUNCHER_NAME " [--plan-fd N]   run the plan read from fd N (default 3)\n"
			"       " LAUNCHER_NAME " --plan-file PATH   run the plan read from a file (debugging, benchmarks)\n"
			"       " LAUNCHER_NAME " --join-pid PID [--plan-fd N]   run in the running sandbox whose PID 1 is PID\n"
			"       " LAUNCHER_NAME " --probe         print what this kernel can enforce (JSON)\n"
			"       " LAUNCHER_NAME " --version\n"
			"The plan format is native/PLAN.md.\n");
}

static char *read_plan(int fd, size_t *length)
{
	size_t capacity = 16384, used = 0;
	char *text = malloc(capacity);
	if (!text)
		fail(EXIT_SETUP, "plan", "out of memory");
	for (;;) {
		if (used == capacity) {
			if (capacity >= PLAN_MAX_BYTES)
				fail(EXIT_BAD_PLAN, "plan", "larger than %d bytes", PLAN_MAX_BYTES);
			capacity *= 2;
			char *grown = realloc(text, capacity);
			if (!grown)
				fail(EXIT_SETUP, "plan", "out of memory");
			text = grown;
		}
		ssize_t got = read(fd, text + used, capacity - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			fail(EXIT_BAD_PLAN, "plan", "reading fd %d: %s", fd, strerror(errno));
		if (got == 0)
			break;
		used += (size_t)got;
	}
	close(fd);
	*length = used;
	return text;
}

static void restore_terminal(void);
/* Every failing exit of the launcher: the terminal back as it was, the pids cgroup removed. */
static void launcher_failing_exit(void)
{
	restore_terminal();
	pids_cgroup_remove();
	placeholders_remove();
}

static void restore_terminal(void)
{
	if (terminal_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
}

static void open_pty(struct launch *launch, int *master)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		fail(EXIT_SETUP, "pty", "posix_openpt: %s", strerror(errno));
	char name[128];
	if (grantpt(*master) < 0 || unlockpt(*master) < 0 || ptsname_r(*master, name, sizeof name) != 0)
		fail(EXIT_SETUP, "pty", "preparing the pseudo-terminal: %s", strerror(errno));
	launch->pty_slave = open(name, O_RDWR | O_NOCTTY);
	if (launch->pty_slave < 0)
		fail(EXIT_SETUP, "pty", "opening %s: %s", name, strerror(errno));
	struct winsize size;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
		ioctl(*master, TIOCSWINSZ, &size);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_terminal) == 0) {
		tcsetattr(launch->pty_slave, TCSANOW, &saved_terminal);
		struct termios raw = saved_terminal;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0) {
			terminal_saved = true;
			atexit(restore_terminal);
			before_failing_exit = launcher_failing_exit;
		}
	}
}

static void create_namespaces(const struct plan *plan)
{
	int flags = 0;
	if (plan->ns.user)
		flags |= CLONE_NEWUSER;
	/* No CLONE_NEWNS: PID 1 creates the mount namespace (init.c), so that the launcher stays in the
	 * caller's and removes the placeholders with a plain rmdir (no unmount, no RCU grace period). */
	if (plan->ns.pid)
		flags |= CLONE_NEWPID;
	if (plan->ns.net)
		flags |= CLONE_NEWNET;
	if (plan->ns.ipc)
		flags |= CLONE_NEWIPC;
	if (plan->ns.uts)
		flags |= CLONE_NEWUTS;
	if (plan->ns.cgroup)
		flags |= CLONE_NEWCGROUP;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (flags && unshare(flags) < 0) {
		int error = errno;
		const char *why = (error == EPERM || error == EACCES || error == ENOSPC) ? userns_restriction() : NULL;
		fail(EXIT_NAMESPACE, "namespaces", "unshare: %s%s%s%s", strerror(error), why ? " (" : "", why ? why : "",
		     why ? ")" : "");
	}
	if (!plan->ns.user)
		return;
	/* Map the caller's ids to the same ids inside: the command keeps its identity (file ownership,
	 * $HOME) and is not root in the namespace unless the caller is root outside. */
	char line[64];
	int result = write_file("/proc/self/setgroups", "deny");
	if (result < 0 && result != -ENOENT)
		goto map_failed_setgroups;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if ((result = write_file("/proc/self/uid_map", line)) < 0) {
		const char *why = userns_restriction();
		fail(EXIT_NAMESPACE, "namespaces", "writing /proc/self/uid_map: %s%s%s%s", strerror(-result),
		     why ? " (" : "", why ? why : "", why ? ")" : "");
	}
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if ((result = write_file("/proc/self/gid_map", line)) < 0)
		fail(EXIT_NAMESPACE, "namespaces", "writing /proc/self/gid_map: %s", strerror(-result));
	return;
map_failed_setgroups:
	fail(EXIT_NAMESPACE, "namespaces", "writing /proc/self/setgroups: %s", strerror(-result));
}

/* Checks that pid is the PID 1 of a NemoClaw sandbox: the launcher's process name, and pid 1 of a
 * PID namespace nested in ours (/proc/PID/status NSpid: "<host pid>\t1"). */
static void check_sandbox_init(pid_t pid)
{
	char path[64], text[4096];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	if (read_small_file(path, text, sizeof text) < 0)
		fail(EXIT_NAMESPACE, "join", "process %d: %s", (int)pid, strerror(errno == 0 ? ESRCH : errno));
	text[strcspn(text, "\n")] = '\0';
	/* comm holds the first 15 bytes of the executable's name */
	if (strncmp(text, LAUNCHER_NAME, 15) != 0)
		fail(EXIT_NAMESPACE, "join", "process %d is not a NemoClaw sandbox (its name is \"%s\")", (int)pid, text);
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (read_small_file(path, text, sizeof text) < 0)
		fail(EXIT_NAMESPACE, "join", "process %d: cannot read its status", (int)pid);
	const char *line = strstr(text, "\nNSpid:");
	char expected[64];
	snprintf(expected, sizeof expected, "\nNSpid:\t%d\t1\n", (int)pid);
	if (!line || strncmp(line, expected, strlen(expected)) != 0)
		fail(EXIT_NAMESPACE, "join", "process %d is not the PID 1 of a sandbox's PID namespace", (int)pid);
}

/* Enters every namespace of a running sandbox, the user namespace first. */
static void join_namespaces(pid_t pid)
{
	check_sandbox_init(pid);
	static const struct {
		const char *name;
		int type;
	} kinds[] = {
		{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},	{"pid", CLONE_NEWPID},	     {"net", CLONE_NEWNET},
		{"ipc", CLONE_NEWIPC},	 {"uts", CLONE_NEWUTS}, {"cgroup", CLONE_NEWCGROUP},
	};
	int fds[7];
	/* Open them all first: after entering the mount namespace, /proc is the sandbox's. */
	for (size_t index = 0; index < 7; index++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kinds[index].name);
		fds[index] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[index] < 0)
			fail(EXIT_NAMESPACE, "join", "opening %s: %s", path, strerror(errno));
	}
	struct stat mine, theirs;
	for (size_t index = 0; index < 7; index++) {
		/* Already a member (e.g. a sandbox without its own user namespace): nothing to enter. */
		char path[64];
		snprintf(path, sizeof path, "/proc/self/ns/%s", kinds[index].name);
		if (stat(path, &mine) == 0 && fstat(fds[index], &theirs) == 0 && mine.st_ino == theirs.st_ino &&
		    mine.st_dev == theirs.st_dev) {
			close(fds[index]);
			continue;
		}
		if (setns(fds[index], kinds[index].type) < 0)
			fail(EXIT_NAMESPACE, "join", "setns(%s): %s", kinds[index].name, strerror(errno));
		close(fds[index]);
	}
}

static int exit_status_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_SETUP;
}

/* Copies what is readable from one fd to another; returns false at EOF or on error. */
static bool pump(int from, int to)
{
	char buffer[16384];
	ssize_t got = read(from, buffer, sizeof buffer);
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (got <= 0)
		return false;
	for (ssize_t done = 0; done < got;) {
		ssize_t written = write(to, buffer + done, (size_t)(got - done));
		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0 && errno == EAGAIN) {
			struct pollfd wait_for = {.fd = to, .events = POLLOUT};
			poll(&wait_for, 1, 1000);
			continue;
		}
		if (written <= 0)
			return false;
		done += written;
	}
	return true;
}

/* The launcher after the fork: forwards signals to PID 1, enforces the wall clock, relays the
 * pty, and returns the exit code: the one PID 1 reports on finished (every other process of the
 * sandbox is dead and reaped by then), or PID 1's own exit status when it ends without reporting
 * (a setup failure, wall_seconds, a signal). finished is -1 in join mode. */
static int supervise(const struct plan *plan, pid_t init, int finished, int master)
{
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGCHLD);
	for (size_t index = 0; index < sizeof forwarded_signals / sizeof forwarded_signals[0]; index++)
		sigaddset(&signals, forwarded_signals[index]);
	int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
	if (signal_fd < 0) {
		kill(init, SIGKILL);
		fail(EXIT_SETUP, "signals", "signalfd: %s", strerror(errno));
	}
	int timer = -1;
	if (plan->wall_seconds) {
		timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		struct itimerspec when = {.it_value = {.tv_sec = (time_t)plan->wall_seconds}};
		if (timer < 0 || timerfd_settime(timer, 0, &when, NULL) < 0) {
			kill(init, SIGKILL);
			fail(EXIT_SETUP, "wall", "timerfd: %s", strerror(errno));
		}
	}
	bool stdin_open = master >= 0;
	bool killed_by_wall = false;
	int status = 0, reported = -1;
	/* Input waiting for the pty: buffered so that a command that does not read its input while
	 * writing a lot of output cannot stall the relay in both directions. */
	char input[16384];
	size_t input_start = 0, input_end = 0;
	if (master >= 0)
		fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	for (;;) {
		short master_events = POLLIN | (input_end > input_start ? POLLOUT : 0);
		struct pollfd fds[5] = {{.fd = signal_fd, .events = POLLIN},
					{.fd = timer, .events = POLLIN},
					{.fd = master, .events = master_events},
					{.fd = stdin_open && input_end == 0 ? STDIN_FILENO : -1, .events = POLLIN},
					{.fd = finished, .events = POLLIN}};
		if (poll(fds, 5, -1) < 0) {
			if (errno == EINTR)
				continue;
			kill(init, SIGKILL);
			fail(EXIT_SETUP, "supervise", "poll: %s", strerror(errno));
		}
		if (fds[4].revents & (POLLIN | POLLHUP | POLLERR)) {
			int code;
			if (!killed_by_wall && read(finished, &code, sizeof code) == (ssize_t)sizeof code && code >= 0 && code <= 255) {
				reported = code;
				break;
			}
			close(finished); /* PID 1 ended without a report: its exit status (SIGCHLD) decides */
			finished = -1;
		}
		if (fds[1].revents & POLLIN) {
			uint64_t expirations;
			if (read(timer, &expirations, sizeof expirations) > 0 && !killed_by_wall) {
				report("wall", "time limit of %lu s reached: killing the sandbox", plan->wall_seconds);
				killed_by_wall = true;
				kill(init, SIGKILL);
			}
		}
		if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t got = read(STDIN_FILENO, input, sizeof input);
			if (got > 0) {
				input_start = 0;
				input_end = (size_t)got;
			} else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
				stdin_open = false;
				struct termios settings;
				/* End of input: send the EOF character so that a reading command sees it. */
				if (master >= 0 && tcgetattr(master, &settings) == 0) {
					input[0] = (char)settings.c_cc[VEOF];
					input_start = 0;
					input_end = 1;
				}
			}
		}
		if (master >= 0 && input_end > input_start) {
			ssize_t written = write(master, input + input_start, input_end - input_start);
			if (written > 0)
				input_start += (size_t)written;
			if (input_start == input_end)
				input_start = input_end = 0;
		}
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!pump(master, STDOUT_FILENO)) {
				close(master); /* EIO: every slave fd is closed */
				master = -1;
				stdin_open = false;
			}
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo info;
			bool done = false;
			while (read(signal_fd, &info, sizeof info) == sizeof info) {
				int number = (int)info.ssi_signo;
				if (number == SIGCHLD) {
					if (waitpid(init, &status, WNOHANG) == init)
						done = true;
				} else if (number == SIGWINCH && master >= 0) {
					struct winsize size;
					if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
						ioctl(master, TIOCSWINSZ, &size); /* the kernel signals the pty's foreground group */
				} else {
					kill(init, number);
				}
			}
			if (done)
				break;
		}
	}
	if (master >= 0) {
		/* The command is gone: copy what it wrote last. */
		fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
		while (pump(master, STDOUT_FILENO)) {
			struct pollfd more = {.fd = master, .events = POLLIN};
			if (poll(&more, 1, 0) <= 0 || !(more.revents & POLLIN))
				break;
		}
	}
	if (finished >= 0)
		close(finished);
	return reported >= 0 ? reported : exit_status_of(status);
}

static void open_bridge_directory(struct launch *launch)
{
	const char *path = launch->plan.bridge.unix_socket;
	const char *slash = strrchr(path, '/');
	char directory[PATH_MAX];
	size_t length = slash == path ? 1 : (size_t)(slash - path);
	memcpy(directory, path, length);
	directory[length] = '\0';
	launch->bridge_name = slash + 1;
	if (launch->bridge_name[0] == '\0')
		fail(EXIT_BAD_PLAN, "plan", "bridge.unix_socket must name a socket, got \"%s\"", path);
	/* Held open so that PID 1 reaches the proxy's socket even if /tmp or a parent is masked inside. */
	launch->bridge_directory = open(directory, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (launch->bridge_directory < 0)
		fail(EXIT_SETUP, "bridge", "opening %s: %s", directory, strerror(errno));
}

int main(int argc, char **argv)
{
	int plan_fd = 3;
	const char *plan_file = NULL;
	long join_pid = 0;
	for (int index = 1; index < argc; index++) {
		const char *argument = argv[index];
		if (strcmp(argument, "--probe") == 0)
			return run_probe();
		if (strcmp(argument, "--version") == 0) {
			printf(LAUNCHER_NAME " %s\n", LAUNCHER_VERSION);
			return 0;
		}
		if (strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argument, "--join-pid") == 0 && index + 1 < argc) {
			char *end;
			errno = 0;
			join_pid = strtol(argv[++index], &end, 10);
			if (errno || *end || join_pid <= 1 || join_pid > INT_MAX)
				fail(EXIT_BAD_PLAN, "usage", "--join-pid needs a process id, got \"%s\"", argv[index]);
			continue;
		}
		if (strcmp(argument, "--plan-file") == 0 && index + 1 < argc) {
			plan_file = argv[++index];
			continue;
		}
		const char *value = NULL;
		if (strcmp(argument, "--plan-fd") == 0 && index + 1 < argc)
			value = argv[++index];
		else if (strncmp(argument, "--plan-fd=", 10) == 0)
			value = argument + 10;
		if (!value) {
			usage(stderr);
			fail(EXIT_BAD_PLAN, "usage", "unknown argument \"%s\"", argument);
		}
		char *end;
		errno = 0;
		long number = strtol(value, &end, 10);
		if (errno || *end || end == value || number < 0 || number > INT_MAX)
			fail(EXIT_BAD_PLAN, "usage", "--plan-fd needs a file descriptor number, got \"%s\"", value);
		plan_fd = (int)number;
	}

	/* 1. Read and validate the whole plan before touching anything. */
	static struct launch launch = {.pty_slave = -1, .bridge_directory = -1, .parent_alive = -1, .finished = -1};
	if (plan_file) {
		plan_fd = open(plan_file, O_RDONLY | O_CLOEXEC);
		if (plan_fd < 0)
			fail(EXIT_BAD_PLAN, "plan", "opening %s: %s", plan_file, strerror(errno));
	}
	if (fcntl(plan_fd, F_GETFD) < 0)
		fail(EXIT_BAD_PLAN, "plan", "file descriptor %d is not open (pass the plan on --plan-fd)", plan_fd);
	size_t length;
	char *text = read_plan(plan_fd, &length);
	char error[512];
	if (plan_parse(text, length, plan_fd, &launch.plan, error, sizeof error) < 0)
		fail(EXIT_BAD_PLAN, "plan", "%s", error);
	free(text);
	struct plan *plan = &launch.plan;

	launch.kernel_abi = landlock_kernel_abi();
	launch.abi = landlock_effective_abi(plan, launch.kernel_abi);
	char missing[LANDLOCK_MAX_MISSING][256];
	launch.missing_count = landlock_missing(plan, launch.abi, missing);
	if (launch.missing_count && plan->landlock.hard_requirement) {
		char line[1800] = "";
		for (size_t index = 0; index < launch.missing_count; index++) {
			strncat(line, index ? "; " : "", sizeof line - strlen(line) - 1);
			strncat(line, missing[index], sizeof line - strlen(line) - 1);
		}
		fail(EXIT_LANDLOCK, "landlock", "hard_requirement not met: %s", line);
	}
	for (size_t index = 0; index < launch.missing_count; index++)
		report("best_effort", "%s", missing[index]);

	if (!filter_precompiled(plan, &launch.filter, &launch.filter_rules)) {
		scmp_filter_ctx filter = filter_build(plan, &launch.filter_rules);
		filter_compile(filter, &launch.filter);
		seccomp_release(filter);
	}
	if (plan->bridge.enabled)
		open_bridge_directory(&launch);

	/* 2. Die with our parent (the supervisor). */
	pid_t parent = getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(EXIT_SETUP, "pdeathsig", "%s", strerror(errno));
	if (getppid() != parent)
		fail(EXIT_SETUP, "pdeathsig", "the parent process exited during start-up");

	/* Signals arrive through signalfd from now on (PID 1 inherits the mask and does the same). */
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGCHLD);
	for (size_t index = 0; index < sizeof forwarded_signals / sizeof forwarded_signals[0]; index++)
		sigaddset(&signals, forwarded_signals[index]);
	sigprocmask(SIG_BLOCK, &signals, NULL);

	int master = -1;
	if (plan->pty)
		open_pty(&launch, &master);

	if (join_pid) {
		/* Join mode: a further command inside a running sandbox (PLAN.md "Join mode"). */
		join_namespaces((pid_t)join_pid);
		fflush(NULL);
		pid_t command = fork();
		if (command < 0)
			fail(EXIT_SETUP, "fork", "%s", strerror(errno));
		if (command == 0) {
			before_failing_exit = NULL;
			if (master >= 0)
				close(master);
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
				_exit(EXIT_SETUP);
			run_command(&launch);
		}
		if (launch.pty_slave >= 0)
			close(launch.pty_slave);
		int code = supervise(plan, command, -1, master);
		restore_terminal();
		return code;
	}

	/* rlimits.nproc for a root caller: a pids cgroup (cgroup.c), created before any namespace. */
	bool cgroup = false;
	if (geteuid() == 0) {
		for (size_t index = 0; index < plan->rlimit_count; index++) {
			if (plan->rlimits[index].resource != RLIMIT_NPROC || plan->rlimits[index].value == RLIM_INFINITY)
				continue;
			char reason[512];
			if (before_failing_exit == NULL)
				before_failing_exit = launcher_failing_exit;
			if (pids_cgroup_create((long long)plan->rlimits[index].value, reason, sizeof reason) == 0)
				cgroup = true;
			else if (plan->landlock.hard_requirement)
				fail(EXIT_SETUP, "cgroup", "rlimits.nproc cannot be enforced for a root caller (the kernel exempts root from RLIMIT_NPROC) without a pids cgroup: %s", reason);
			else
				report("best_effort", "rlimits.nproc is not enforced for a root caller (no pids cgroup: %s)", reason);
		}
	}

	/* 3. Namespaces. */
	create_namespaces(plan);
	if (plan->fs.placeholder_count || plan->fs.placeholder_file_count) {
		if (before_failing_exit == NULL)
			before_failing_exit = launcher_failing_exit;
		placeholders_create(plan);
	}

	/* alive: PID 1 sees a hang-up when the launcher is gone. finished: PID 1 reports the command's
	 * exit code once every other process of the sandbox is dead and reaped (init.c), so that the
	 * launcher need not wait for PID 1's own exit (the teardown of its namespaces). */
	int alive[2], finished[2];
	if (pipe2(alive, O_CLOEXEC) < 0 || pipe2(finished, O_CLOEXEC) < 0)
		fail(EXIT_SETUP, "fork", "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t init = fork();
	if (init < 0)
		fail(EXIT_SETUP, "fork", "%s", strerror(errno));
	if (init == 0) {
		before_failing_exit = NULL; /* the terminal belongs to the launcher */
		close(alive[1]);
		close(finished[0]);
		if (master >= 0)
			close(master);
		launch.parent_alive = alive[0];
		launch.finished = finished[1];
		launch.pids_cgroup = cgroup;
		run_init(&launch);
	}
	close(alive[0]);
	close(finished[1]);
	if (launch.pty_slave >= 0)
		close(launch.pty_slave);
	int code = supervise(plan, init, finished[0], master);
	restore_terminal();
	pids_cgroup_remove();
	placeholders_remove();
	return code;
}
