/* The attack suite's probe: performs ONE attempt named by argv[1] and prints "ok" (optionally with
 * a detail) when it succeeded, or the errno name (EACCES, EPERM, ...) when it failed. The suite
 * runs it inside the sandbox (expecting a failure from the sandbox) and outside (the control:
 * expecting success), so every test can fail. Built by the suite with `cc`. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <unistd.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

static int result(long value)
{
	if (value >= 0) {
		puts("ok");
		return 0;
	}
	const char *name = strerrorname_np(errno);
	puts(name ? name : "unknown");
	return 1;
}

static int fail_errno(void)
{
	return result(-1);
}

static int read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno();
	char buffer[4096];
	ssize_t count = read(fd, buffer, sizeof buffer - 1);
	if (count < 0)
		return fail_errno();
	buffer[count] = 0;
	for (ssize_t index = 0; index < count; index++)
		if (buffer[index] == '\n')
			buffer[index] = ' ';
	printf("ok %zd %s\n", count, buffer);
	return 0;
}

static int write_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail_errno();
	if (write(fd, content, strlen(content)) < 0)
		return fail_errno();
	return result(close(fd));
}

static int unix_connect(const char *path, int abstract)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return fail_errno();
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	socklen_t length;
	if (abstract) {
		address.sun_path[0] = 0;
		strncpy(address.sun_path + 1, path, sizeof address.sun_path - 2);
		length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
	} else {
		strncpy(address.sun_path, path, sizeof address.sun_path - 1);
		length = sizeof address;
	}
	if (connect(fd, (struct sockaddr *)&address, length) < 0)
		return fail_errno();
	if (write(fd, "pwned\n", 6) < 0)
		return fail_errno();
	return result(0);
}

static int tcp_connect(const char *host, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail_errno();
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, host, &address.sin_addr);
	if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0)
		return fail_errno();
	if (write(fd, "pwned\n", 6) < 0)
		return fail_errno();
	return result(0);
}

static int tcp6_connect(const char *host, int port)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0)
		return fail_errno();
	struct sockaddr_in6 address = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	inet_pton(AF_INET6, host, &address.sin6_addr);
	if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0)
		return fail_errno();
	if (write(fd, "pwned\n", 6) < 0)
		return fail_errno();
	return result(0);
}

/* TCP Fast Open (sendto with MSG_FASTOPEN connects without connect(2)) and MPTCP: the two
 * paths Landlock's TCP rules are documented not to cover. */
static int tcp_variant(const char *host, int port, int protocol, int fastopen)
{
	int fd = socket(AF_INET, SOCK_STREAM, protocol);
	if (fd < 0)
		return fail_errno();
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, host, &address.sin_addr);
	if (fastopen) {
		if (sendto(fd, "pwned\n", 6, MSG_FASTOPEN, (struct sockaddr *)&address, sizeof address) < 0)
			return fail_errno();
		return result(0);
	}
	if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0)
		return fail_errno();
	if (write(fd, "pwned\n", 6) < 0)
		return fail_errno();
	return result(0);
}

static int udp_send(const char *host, int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return fail_errno();
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, host, &address.sin_addr);
	if (sendto(fd, "pwned\n", 6, 0, (struct sockaddr *)&address, sizeof address) < 0)
		return fail_errno();
	return result(0);
}

/* Lists the open file descriptors (from /proc/self/fd) other than the directory stream itself. */
static int list_fds(void)
{
	DIR *directory = opendir("/proc/self/fd");
	if (!directory)
		return fail_errno();
	int own = dirfd(directory);
	printf("ok");
	struct dirent *entry;
	while ((entry = readdir(directory))) {
		if (entry->d_name[0] == '.')
			continue;
		int fd = atoi(entry->d_name);
		if (fd == own)
			continue;
		char link[64], target[512];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t length = readlink(link, target, sizeof target - 1);
		target[length < 0 ? 0 : length] = 0;
		printf(" %d=%s", fd, target);
	}
	puts("");
	closedir(directory);
	return 0;
}

static long ia32_getpid(void)
{
	long value;
	/* int $0x80 with eax = 20 (getpid in the i386 table). */
	__asm__ volatile("int $0x80" : "=a"(value) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
	if (value < 0 && value > -4096) {
		errno = (int)-value;
		return -1;
	}
	return value;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: attack OP [ARGS]\n", stderr);
		return 2;
	}
	const char *op = argv[1];
	const char *a = argc > 2 ? argv[2] : "";
	const char *b = argc > 3 ? argv[3] : "";
	setvbuf(stdout, NULL, _IONBF, 0);

	/* filesystem */
	if (!strcmp(op, "read"))
		return read_file(a);
	if (!strcmp(op, "write"))
		return write_file(a, b[0] ? b : "pwned\n");
	if (!strcmp(op, "append")) {
		int fd = open(a, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			return fail_errno();
		return result(write(fd, b, strlen(b)));
	}
	if (!strcmp(op, "open-rw"))
		return result(open(a, O_RDWR | O_CLOEXEC));
	if (!strcmp(op, "open-by-handle")) {
		/* The "shocker" escape: name_to_handle_at + open_by_handle_at bypasses path checks. */
		struct {
			struct file_handle handle;
			unsigned char bytes[128];
		} storage;
		storage.handle.handle_bytes = sizeof storage.bytes;
		int mount_id;
		if (name_to_handle_at(AT_FDCWD, a, &storage.handle, &mount_id, 0) < 0)
			return fail_errno();
		int mount_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (mount_fd < 0)
			return fail_errno();
		return result(open_by_handle_at(mount_fd, &storage.handle, O_RDONLY));
	}
	if (!strcmp(op, "chroot"))
		return result(chroot(a));
	if (!strcmp(op, "chmod"))
		return result(chmod(a, (mode_t)strtoul(b, NULL, 8)));
	if (!strcmp(op, "utimes"))
		return result(utimensat(AT_FDCWD, a, NULL, 0));
	if (!strcmp(op, "setxattr"))
		return result(setxattr(a, "user.nemoclaw", "pwned", 5, 0));
	if (!strcmp(op, "truncate"))
		return result(truncate(a, 0));
	if (!strcmp(op, "mmap-exec")) {
		/* What the dynamic loader does with a program's code: map the file executable. */
		int fd = open(a, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_errno();
		void *mapped = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		close(fd);
		return result(mapped == MAP_FAILED ? -1 : 0);
	}
	if (!strcmp(op, "mkdir"))
		return result(mkdir(a, 0755));
	if (!strcmp(op, "symlink"))
		return result(symlink(a, b));
	if (!strcmp(op, "link"))
		return result(link(a, b));
	if (!strcmp(op, "rename"))
		return result(rename(a, b));
	if (!strcmp(op, "rmdir"))
		return result(rmdir(a));
	if (!strcmp(op, "unlink"))
		return result(unlink(a));
	if (!strcmp(op, "mknod-char"))
		return result(mknod(a, S_IFCHR | 0666, makedev(1, 3)));
	if (!strcmp(op, "mkfifo"))
		return result(mkfifo(a, 0644));
	if (!strcmp(op, "exec")) {
		execv(a, argv + 2);
		return fail_errno();
	}
	if (!strcmp(op, "ids")) {
		char line[256];
		int no_new_privs = -1;
		char capabilities[32] = "?";
		FILE *status = fopen("/proc/self/status", "r");
		while (status && fgets(line, sizeof line, status)) {
			if (!strncmp(line, "NoNewPrivs:", 11))
				no_new_privs = atoi(line + 11);
			if (!strncmp(line, "CapEff:", 7))
				sscanf(line + 7, "%31s", capabilities);
		}
		printf("ok euid=%d uid=%d nnp=%d capeff=%s\n", (int)geteuid(), (int)getuid(), no_new_privs, capabilities);
		return 0;
	}
	if (!strcmp(op, "fds"))
		return list_fds();
	if (!strcmp(op, "env")) {
		extern char **environ;
		printf("ok");
		for (char **entry = environ; *entry; entry++)
			printf(" %s", *entry);
		puts("");
		return 0;
	}

	/* processes */
	if (!strcmp(op, "ptrace")) {
		pid_t pid = atoi(a);
		if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0)
			return fail_errno();
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return result(0);
	}
	if (!strcmp(op, "process_vm_readv")) {
		pid_t pid = atoi(a);
		unsigned long address = strtoul(b, NULL, 0);
		char buffer[16];
		struct iovec local = {buffer, sizeof buffer}, remote = {(void *)address, sizeof buffer};
		return result(process_vm_readv(pid, &local, 1, &remote, 1, 0));
	}
	if (!strcmp(op, "kill"))
		return result(kill(atoi(a), atoi(b[0] ? b : "15")));
	if (!strcmp(op, "kill-all"))
		return result(kill(-1, SIGKILL));
	if (!strcmp(op, "daemon")) {
		/* Double fork + setsid, then write a marker after a delay: must not outlive the sandbox. */
		pid_t child = fork();
		if (child < 0)
			return fail_errno();
		if (child > 0) {
			waitpid(child, NULL, 0);
			return result(0);
		}
		setsid();
		if (fork() != 0)
			_exit(0);
		signal(SIGHUP, SIG_IGN);
		for (int fd = 0; fd < 3; fd++)
			close(fd);
		usleep((useconds_t)atoi(b) * 1000);
		write_file(a, "survived\n");
		_exit(0);
	}

	/* kernel surface */
	if (!strcmp(op, "unshare-user"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(op, "clone-newuser")) {
		long child = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (child == 0)
			_exit(0);
		if (child > 0)
			waitpid((pid_t)child, NULL, 0);
		return result(child);
	}
	if (!strcmp(op, "clone3")) {
		struct {
			uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
		} arguments = {.exit_signal = SIGCHLD};
		long child = syscall(SYS_clone3, &arguments, sizeof arguments);
		if (child == 0)
			_exit(0);
		if (child > 0)
			waitpid((pid_t)child, NULL, 0);
		return result(child);
	}
	if (!strcmp(op, "personality"))
		return result(syscall(SYS_personality, strtoul(a, NULL, 0)));
	if (!strcmp(op, "setns")) {
		int fd = open(a, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail_errno();
		return result(setns(fd, 0));
	}
	if (!strcmp(op, "unshare-mount"))
		return result(unshare(CLONE_NEWNS));
	if (!strcmp(op, "mount-tmpfs"))
		return result(mount("none", a, "tmpfs", 0, NULL));
	if (!strcmp(op, "io_uring_setup")) {
		struct {
			uint32_t values[30];
		} params;
		memset(&params, 0, sizeof params);
		return result(syscall(SYS_io_uring_setup, 4, &params));
	}
	if (!strcmp(op, "bpf")) {
		union bpf_attr attributes;
		memset(&attributes, 0, sizeof attributes);
		attributes.map_type = BPF_MAP_TYPE_ARRAY;
		attributes.key_size = 4;
		attributes.value_size = 4;
		attributes.max_entries = 1;
		return result(syscall(SYS_bpf, BPF_MAP_CREATE, &attributes, sizeof attributes));
	}
	if (!strcmp(op, "add_key"))
		return result(syscall(SYS_add_key, "user", "nemoclaw-attack", "secret", 6, KEY_SPEC_PROCESS_KEYRING));
	if (!strcmp(op, "keyctl"))
		return result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
	if (!strcmp(op, "perf_event_open")) {
		struct perf_event_attr attributes;
		memset(&attributes, 0, sizeof attributes);
		attributes.type = PERF_TYPE_SOFTWARE;
		attributes.size = sizeof attributes;
		attributes.config = PERF_COUNT_SW_TASK_CLOCK;
		attributes.exclude_kernel = 1;
		attributes.exclude_hv = 1;
		return result(syscall(SYS_perf_event_open, &attributes, 0, -1, -1, 0));
	}
	if (!strcmp(op, "userfaultfd"))
		return result(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
	if (!strcmp(op, "socket"))
		return result(socket(atoi(a), atoi(b), argc > 4 ? atoi(argv[4]) : 0));
	if (!strcmp(op, "unix-connect"))
		return unix_connect(a, 0);
	if (!strcmp(op, "abstract-connect"))
		return unix_connect(a, 1);
	if (!strcmp(op, "tcp-connect"))
		return tcp_connect(a, atoi(b));
	if (!strcmp(op, "tcp-fastopen"))
		return tcp_variant(a, atoi(b), 0, 1);
	if (!strcmp(op, "mptcp-connect"))
		return tcp_variant(a, atoi(b), 262 /* IPPROTO_MPTCP */, 0);
	if (!strcmp(op, "tcp6-connect"))
		return tcp6_connect(a, atoi(b));
	if (!strcmp(op, "udp-send"))
		return udp_send(a, atoi(b));
	if (!strcmp(op, "x32-getpid"))
		return result(syscall(__X32_SYSCALL_BIT | SYS_getpid));
	if (!strcmp(op, "ia32-getpid"))
		return result(ia32_getpid());
	if (!strcmp(op, "memfd-exec")) {
		/* Copy an executable into an anonymous memfd and run it with execveat(AT_EMPTY_PATH). */
		int fd = (int)syscall(SYS_memfd_create, "payload", 0);
		if (fd < 0)
			return fail_errno();
		int source = open(a, O_RDONLY | O_CLOEXEC);
		if (source < 0)
			return fail_errno();
		char buffer[65536];
		ssize_t count;
		while ((count = read(source, buffer, sizeof buffer)) > 0)
			if (write(fd, buffer, (size_t)count) != count)
				return fail_errno();
		char *child_argv[] = {(char *)a, (char *)"ids", NULL};
		char *child_env[] = {NULL};
		syscall(SYS_execveat, fd, "", child_argv, child_env, AT_EMPTY_PATH);
		return fail_errno();
	}
	if (!strcmp(op, "tiocsti")) {
		/* Push a command into the terminal on fd 0 (the caller's terminal, if inherited). */
		char character = '#';
		return result(ioctl(0, TIOCSTI, &character));
	}
	if (!strcmp(op, "open-tty"))
		return result(open("/dev/tty", O_RDWR | O_CLOEXEC));
	fprintf(stderr, "attack: unknown op %s\n", op);
	return 2;
}
