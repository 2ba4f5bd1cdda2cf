/* The egress bridge inside PID 1: a loopback TCP listener in the sandbox's network namespace;
 * each accepted connection is relayed to the proxy's Unix socket outside, after one preamble line
 * naming the process inside that connected:
 *   NEMOCLAW-PEER pid=<pid> exe=<path or -> uid=<uid>\n
 * The exe path is percent-encoded (bytes outside 0x21-0x7e and '%'), so a file name chosen by the
 * sandboxed code cannot forge fields or lines. pid is the pid inside the sandbox's PID namespace.
 *
 * Relaying: each direction moves bytes with splice(2) through a pipe (socket -> pipe -> socket), so
 * the payload is never copied through user space: the pipe takes references to the socket buffer's
 * pages and the other socket sends those pages. A connection whose pipes cannot be created (the
 * descriptor budget below, or pipe2 failing) and a direction whose socket refuses splice (EINVAL)
 * relay by read/write through a 64 KB buffer instead. Either way at most one buffer or pipe of
 * bytes is in flight per direction, so a slow reader back-pressures the writer. */
#define _GNU_SOURCE
#include "sandbox.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNECTIONS 256
#define BUFFER_SIZE 65536

struct direction {
	int pipe[2];       /* splice pipe (read end, write end), or -1 -1: copy through data */
	size_t start, end; /* pending bytes: data[start..end), or end - start bytes in the pipe */
	bool eof;          /* the reading side ended */
	bool shut;         /* the writing side was shut down */
	char data[BUFFER_SIZE];
};

struct connection {
	int inside, outside;
	struct direction to_outside, to_inside;
};

static struct connection *connections[MAX_CONNECTIONS];
static size_t open_pipes; /* pipes (two descriptors each) held by connections */

/* Pipes may use the descriptors left once every connection has its two sockets (and a margin). */
static bool pipe_budget_allows(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) < 0)
		return false;
	rlim_t reserved = 2 * MAX_CONNECTIONS + 64;
	return limit.rlim_cur != RLIM_INFINITY ? limit.rlim_cur > reserved && 2 * (open_pipes + 1) <= limit.rlim_cur - reserved
						: true;
}

static void open_pipe(struct direction *direction)
{
	direction->pipe[0] = direction->pipe[1] = -1;
	if (!pipe_budget_allows() || pipe2(direction->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		direction->pipe[0] = direction->pipe[1] = -1;
		return;
	}
	open_pipes++;
}

static void close_pipe(struct direction *direction)
{
	if (direction->pipe[0] < 0)
		return;
	close(direction->pipe[0]);
	close(direction->pipe[1]);
	direction->pipe[0] = direction->pipe[1] = -1;
	open_pipes--;
}

int bridge_listen(const struct plan *plan)
{
	int fd = socket(plan->bridge.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		fail(EXIT_SETUP, "bridge", "socket: %s", strerror(errno));
	int yes = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
	struct sockaddr_storage address;
	socklen_t length;
	memset(&address, 0, sizeof address);
	if (plan->bridge.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&address;
		in->sin_family = AF_INET;
		in->sin_port = htons(plan->bridge.port);
		memcpy(&in->sin_addr, plan->bridge.address, 4);
		length = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(plan->bridge.port);
		memcpy(&in6->sin6_addr, plan->bridge.address, 16);
		length = sizeof *in6;
	}
	if (bind(fd, (struct sockaddr *)&address, length) < 0 || listen(fd, 128) < 0)
		fail(EXIT_SETUP, "bridge", "listening on %s: %s", plan->bridge.listen, strerror(errno));
	return fd;
}

/* /proc/net/tcp{,6} print addresses as the raw 32-bit words in hex and the port in host order. */
static void format_address(const struct sockaddr_storage *address, char *out, size_t size)
{
	if (address->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)address;
		uint32_t word;
		memcpy(&word, &in->sin_addr, 4);
		snprintf(out, size, "%08X:%04X", word, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
		uint32_t words[4];
		memcpy(words, &in6->sin6_addr, 16);
		snprintf(out, size, "%08X%08X%08X%08X:%04X", words[0], words[1], words[2], words[3], ntohs(in6->sin6_port));
	}
}

/* Finds the socket inode and uid of the connecting (client) end. */
static bool find_client_socket(const struct sockaddr_storage *client, const struct sockaddr_storage *server,
			       unsigned long *inode, unsigned *uid)
{
	char want_local[64], want_remote[64];
	format_address(client, want_local, sizeof want_local);
	format_address(server, want_remote, sizeof want_remote);
	FILE *table = fopen(client->ss_family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6", "re");
	if (!table)
		return false;
	char line[512];
	bool found = false;
	while (!found && fgets(line, sizeof line, table)) {
		char local[64], remote[64];
		unsigned long socket_inode;
		unsigned owner;
		if (sscanf(line, " %*d: %63s %63s %*x %*x:%*x %*x:%*x %*x %u %*d %lu", local, remote, &owner, &socket_inode) == 4 &&
		    strcasecmp(local, want_local) == 0 && strcasecmp(remote, want_remote) == 0) {
			*inode = socket_inode;
			*uid = owner;
			found = true;
		}
	}
	fclose(table);
	return found;
}

/* Finds a process holding socket:[inode] (the lowest pid when several share it). */
static long find_owner(unsigned long inode)
{
	char want[64];
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	DIR *processes = opendir("/proc");
	if (!processes)
		return -1;
	long owner = -1;
	struct dirent *process;
	while ((process = readdir(processes))) {
		char *end;
		long pid = strtol(process->d_name, &end, 10);
		if (*end || pid <= 1 || (owner != -1 && pid > owner))
			continue;
		char directory[64];
		snprintf(directory, sizeof directory, "/proc/%ld/fd", pid);
		DIR *fds = opendir(directory);
		if (!fds)
			continue;
		struct dirent *fd;
		while ((fd = readdir(fds))) {
			if (fd->d_name[0] == '.')
				continue;
			char link[320], target[64];
			snprintf(link, sizeof link, "%s/%s", directory, fd->d_name);
			ssize_t length = readlink(link, target, sizeof target - 1);
			if (length <= 0)
				continue;
			target[length] = '\0';
			if (strcmp(target, want) == 0) {
				owner = pid;
				break;
			}
		}
		closedir(fds);
	}
	closedir(processes);
	return owner;
}

static void percent_encode(const char *text, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t used = 0;
	for (const unsigned char *byte = (const unsigned char *)text; *byte && used + 4 < size; byte++) {
		if (*byte > 0x20 && *byte < 0x7f && *byte != '%') {
			out[used++] = (char)*byte;
		} else {
			out[used++] = '%';
			out[used++] = hex[*byte >> 4];
			out[used++] = hex[*byte & 15];
		}
	}
	out[used] = '\0';
}

static int connect_proxy(const struct launch *launch)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	/* Through the directory fd opened before the mounts: works even when the path is hidden inside. */
	int written = snprintf(address.sun_path, sizeof address.sun_path, "/proc/self/fd/%d/%s", launch->bridge_directory,
			       launch->bridge_name);
	if (written < 0 || (size_t)written >= sizeof address.sun_path) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) {
		int error = errno;
		close(fd);
		errno = error;
		return -1;
	}
	return fd;
}

void bridge_accept(struct launch *launch, int listener)
{
	for (int round = 0; round < 16; round++) {
		struct sockaddr_storage client, server;
		socklen_t client_length = sizeof client, server_length = sizeof server;
		int inside = accept4(listener, (struct sockaddr *)&client, &client_length, SOCK_CLOEXEC);
		if (inside < 0)
			return;
		size_t slot = 0;
		while (slot < MAX_CONNECTIONS && connections[slot])
			slot++;
		if (slot == MAX_CONNECTIONS || getsockname(inside, (struct sockaddr *)&server, &server_length) < 0) {
			close(inside);
			continue;
		}
		unsigned long inode;
		unsigned uid = 0;
		long pid = -1;
		char exe[4096] = "-";
		if (find_client_socket(&client, &server, &inode, &uid))
			pid = find_owner(inode);
		if (pid > 0) {
			char link[64], target[4096];
			snprintf(link, sizeof link, "/proc/%ld/exe", pid);
			ssize_t length = readlink(link, target, sizeof target - 1);
			if (length > 0) {
				target[length] = '\0';
				percent_encode(target, exe, sizeof exe);
			}
		}
		int outside = connect_proxy(launch);
		if (outside < 0) {
			report("bridge", "connecting to %s: %s", launch->plan.bridge.unix_socket, strerror(errno));
			close(inside);
			continue;
		}
		char preamble[4300];
		int length = snprintf(preamble, sizeof preamble, "NEMOCLAW-PEER pid=%ld exe=%s uid=%u\n", pid > 0 ? pid : 0L, exe, uid);
		if (pid <= 0)
			length = snprintf(preamble, sizeof preamble, "NEMOCLAW-PEER pid=0 exe=- uid=%u\n", uid);
		if (write(outside, preamble, (size_t)length) != length) {
			close(inside);
			close(outside);
			continue;
		}
		fcntl(inside, F_SETFL, O_NONBLOCK);
		fcntl(outside, F_SETFL, O_NONBLOCK);
		struct connection *connection = calloc(1, sizeof *connection);
		if (!connection) {
			close(inside);
			close(outside);
			continue;
		}
		connection->inside = inside;
		connection->outside = outside;
		open_pipe(&connection->to_outside);
		open_pipe(&connection->to_inside);
		connections[slot] = connection;
	}
}

size_t bridge_poll_fill(struct pollfd *fds, size_t capacity)
{
	size_t count = 0;
	for (size_t slot = 0; slot < MAX_CONNECTIONS && count + 2 <= capacity; slot++) {
		struct connection *connection = connections[slot];
		if (!connection) {
			fds[count++] = (struct pollfd){.fd = -1};
			fds[count++] = (struct pollfd){.fd = -1};
			continue;
		}
		short inside = 0, outside = 0;
		if (!connection->to_outside.eof && connection->to_outside.end == 0)
			inside |= POLLIN;
		if (connection->to_inside.end > connection->to_inside.start)
			inside |= POLLOUT;
		if (!connection->to_inside.eof && connection->to_inside.end == 0)
			outside |= POLLIN;
		if (connection->to_outside.end > connection->to_outside.start)
			outside |= POLLOUT;
		fds[count++] = (struct pollfd){.fd = connection->inside, .events = inside};
		fds[count++] = (struct pollfd){.fd = connection->outside, .events = outside};
	}
	return count;
}

/* Reads into the direction's pipe (splice) or buffer. */
static ssize_t take(int from, struct direction *direction)
{
	if (direction->pipe[1] >= 0) {
		ssize_t got = splice(from, NULL, direction->pipe[1], NULL, BUFFER_SIZE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (got >= 0 || errno != EINVAL)
			return got;
		close_pipe(direction); /* this socket cannot splice: copy from now on (nothing was moved) */
	}
	return read(from, direction->data, sizeof direction->data);
}

/* Writes pending bytes from the direction's pipe (splice) or buffer. */
static ssize_t give(int to, struct direction *direction)
{
	if (direction->pipe[0] >= 0)
		return splice(direction->pipe[0], NULL, to, NULL, direction->end - direction->start,
			      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	return write(to, direction->data + direction->start, direction->end - direction->start);
}

/* Moves bytes one way; returns false when the connection must be closed. */
static bool flow(int from, int to, struct direction *direction, short from_events, short to_events)
{
	if ((from_events & (POLLIN | POLLHUP | POLLERR)) && !direction->eof && direction->end == 0) {
		ssize_t got = take(from, direction);
		if (got > 0) {
			direction->start = 0;
			direction->end = (size_t)got;
		} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
			if (got < 0)
				return false;
			direction->eof = true;
		}
	}
	if (direction->end > direction->start && (to_events & POLLOUT || direction->start == 0)) {
		ssize_t written = give(to, direction);
		if (written > 0) {
			direction->start += (size_t)written;
			if (direction->start == direction->end)
				direction->start = direction->end = 0;
		} else if (written < 0 && errno != EAGAIN && errno != EINTR) {
			return false;
		}
	}
	if (direction->eof && direction->end == 0 && !direction->shut) {
		shutdown(to, SHUT_WR);
		direction->shut = true;
	}
	return true;
}

void bridge_poll_handle(const struct pollfd *fds, size_t count)
{
	for (size_t slot = 0; slot < MAX_CONNECTIONS && 2 * slot + 1 < count; slot++) {
		struct connection *connection = connections[slot];
		if (!connection)
			continue;
		short inside = fds[2 * slot].revents, outside = fds[2 * slot + 1].revents;
		bool keep = flow(connection->inside, connection->outside, &connection->to_outside, inside, outside) &&
			    flow(connection->outside, connection->inside, &connection->to_inside, outside, inside);
		if ((inside & POLLNVAL) || (outside & POLLNVAL))
			keep = false;
		if (!keep || (connection->to_outside.shut && connection->to_inside.shut)) {
			close(connection->inside);
			close(connection->outside);
			close_pipe(&connection->to_outside);
			close_pipe(&connection->to_inside);
			free(connection);
			connections[slot] = NULL;
		}
	}
}
