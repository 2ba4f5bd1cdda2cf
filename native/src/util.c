/* Small helpers shared by every stage. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void vreport(const char *stage, const char *format, va_list arguments)
{
	char line[2048];
	int used = snprintf(line, sizeof line, LAUNCHER_NAME ": %s: ", stage);
	if (used < 0)
		return;
	if ((size_t)used < sizeof line)
		vsnprintf(line + used, sizeof line - (size_t)used, format, arguments);
	size_t length = strnlen(line, sizeof line - 2);
	line[length++] = '\n';
	/* One write so that lines of concurrent processes do not interleave. */
	ssize_t written = write(STDERR_FILENO, line, length);
	(void)written;
}

void report(const char *stage, const char *format, ...)
{
	va_list arguments;
	va_start(arguments, format);
	vreport(stage, format, arguments);
	va_end(arguments);
}

void (*before_failing_exit)(void);

void fail(int code, const char *stage, const char *format, ...)
{
	va_list arguments;
	va_start(arguments, format);
	vreport(stage, format, arguments);
	va_end(arguments);
	if (before_failing_exit)
		before_failing_exit();
	_exit(code);
}

int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t length = strlen(text);
	ssize_t written = write(fd, text, length);
	int error = written < 0 ? errno : 0;
	if (close(fd) < 0 && !error)
		error = errno;
	if (error)
		return -error;
	return (size_t)written == length ? 0 : -EIO;
}

ssize_t read_small_file(const char *path, char *buffer, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t used = 0;
	while (used + 1 < size) {
		ssize_t got = read(fd, buffer + used, size - 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += (size_t)got;
	}
	close(fd);
	buffer[used] = '\0';
	return (ssize_t)used;
}
