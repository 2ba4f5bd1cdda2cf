/* Test helper for smoke.sh: tries one operation inside the sandbox and prints "ok" or the errno
 * name (EPERM, EACCES, ...), so the shell test can assert the failure came from our protection. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <stddef.h>
#include <sys/un.h>
#include <unistd.h>

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

static int tcp_connect(const char *host, int port, int *fd_out)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, host, &address.sin_addr);
	if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0)
		return -1;
	*fd_out = fd;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *what = argv[1];
	alarm(20); /* never hang a test run (servers waiting for a connection that does not come) */
	if (!strcmp(what, "ptrace"))
		return result(ptrace(PTRACE_ATTACH, 1, 0, 0));
	if (!strcmp(what, "unix-socket"))
		return result(socket(AF_UNIX, SOCK_STREAM, 0));
	if (!strcmp(what, "unix-socket-high-bits"))
		return result(syscall(SYS_socket, 0x100000001L, SOCK_STREAM, 0));
	if (!strcmp(what, "socketpair")) {
		int pair[2];
		return result(socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
	}
	if (!strcmp(what, "packet-socket"))
		return result(socket(AF_PACKET, SOCK_RAW, 0));
	if (!strcmp(what, "netlink-route"))
		return result(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	if (!strcmp(what, "netlink-audit"))
		return result(socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT));
	if (!strcmp(what, "vsock"))
		return result(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
	if (!strcmp(what, "unshare-user"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(what, "clone-newuser"))
		return result(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
	if (!strcmp(what, "clone3"))
		return result(syscall(SYS_clone3, NULL, 0));
	if (!strcmp(what, "io_uring"))
		return result(syscall(SYS_io_uring_setup, 1, NULL));
	if (!strcmp(what, "bpf"))
		return result(syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(what, "keyctl"))
		return result(syscall(SYS_keyctl, 0, 0, 0, 0, 0));
	if (!strcmp(what, "personality-linux32"))
		return result(personality(PER_LINUX32));
	if (!strcmp(what, "personality-query"))
		return result(personality(0xffffffff));
	if (!strcmp(what, "memfd"))
		return result(syscall(SYS_memfd_create, "x", 0));
	if (!strcmp(what, "tiocsti")) {
		char c = 'x';
		return result(ioctl(0, TIOCSTI, &c));
	}
	if (!strcmp(what, "kill-init"))
		return result(kill(1, SIGKILL));
	if (!strcmp(what, "kill-parent-ns"))
		return result(kill(getppid(), 0));
	if (!strcmp(what, "tcp-connect") && argc == 4) {
		int fd;
		return result(tcp_connect(argv[2], atoi(argv[3]), &fd));
	}
	if (!strcmp(what, "tcp-bind") && argc == 3) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
		address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return result(fd < 0 ? -1 : bind(fd, (struct sockaddr *)&address, sizeof address));
	}
	if (!strcmp(what, "abstract-connect") && argc == 3) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return result(-1);
		struct sockaddr_un address = {.sun_family = AF_UNIX};
		strncpy(address.sun_path + 1, argv[2], sizeof address.sun_path - 2);
		return result(connect(fd, (struct sockaddr *)&address,
				      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(argv[2]))));
	}
	if (!strcmp(what, "abstract-server") && argc == 3) {
		/* Outside the sandbox: listen on an abstract name, accept one connection. */
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un address = {.sun_family = AF_UNIX};
		strncpy(address.sun_path + 1, argv[2], sizeof address.sun_path - 2);
		if (bind(fd, (struct sockaddr *)&address, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(argv[2]))) < 0 ||
		    listen(fd, 4) < 0)
			return result(-1);
		puts("listening");
		fflush(stdout);
		close(accept(fd, NULL, NULL));
		return 0;
	}
	if (!strcmp(what, "kill") && argc == 3)
		return result(kill(atoi(argv[2]), 0));
	if (!strcmp(what, "bridge-get") && argc == 4) {
		/* Connect through the bridge, send a line, print everything the far end sends back. */
		int fd;
		if (tcp_connect(argv[2], atoi(argv[3]), &fd) < 0)
			return result(-1);
		if (write(fd, "hello\n", 6) != 6)
			return result(-1);
		shutdown(fd, SHUT_WR);
		char buffer[4096];
		ssize_t got;
		while ((got = read(fd, buffer, sizeof buffer)) > 0)
			fwrite(buffer, 1, (size_t)got, stdout);
		return 0;
	}
	if (!strcmp(what, "unix-echo-server") && argc == 3) {
		/* Outside the sandbox: accept one connection, send back what it received (preamble included). */
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un address = {.sun_family = AF_UNIX};
		strncpy(address.sun_path, argv[2], sizeof address.sun_path - 1);
		unlink(argv[2]);
		if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0 || listen(fd, 4) < 0)
			return result(-1);
		puts("listening");
		fflush(stdout);
		int client = accept(fd, NULL, NULL);
		char buffer[8192];
		size_t used = 0;
		ssize_t got;
		while (used < sizeof buffer && (got = read(client, buffer + used, sizeof buffer - used)) > 0)
			used += (size_t)got;
		if (write(client, buffer, used) != (ssize_t)used)
			return 1;
		close(client);
		return 0;
	}
#if defined(__x86_64__)
	if (!strcmp(what, "ia32-syscall")) {
		/* getpid through the 32-bit entry point (int 0x80): audit arch i386 */
		long value = 20;
		__asm__ volatile("int $0x80" : "+a"(value) : : "memory");
		return result(value < 0 && value > -4096 ? (errno = (int)-value, -1) : 0);
	}
	if (!strcmp(what, "x32-syscall")) {
		/* getpid with the x32 bit set (0x40000000 | 39) */
		return result(syscall(0x40000000L | SYS_getpid));
	}
#endif
	fprintf(stderr, "attempt: unknown operation %s\n", what);
	return 2;
}
