/* nemoclaw-sandbox-exec: shared definitions. */
#ifndef NEMOCLAW_COMMON_H
#define NEMOCLAW_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LAUNCHER_NAME "nemoclaw-sandbox-exec"
#ifndef LAUNCHER_VERSION
#define LAUNCHER_VERSION "0.1.0"
#endif

/* Exit codes (native/PLAN.md). */
enum {
	EXIT_BAD_PLAN = 120,
	EXIT_NAMESPACE = 121,
	EXIT_MOUNT = 122,
	EXIT_LANDLOCK = 123,
	EXIT_SECCOMP = 124,
	EXIT_SETUP = 125,
	EXIT_NOT_EXECUTABLE = 126,
	EXIT_NOT_FOUND = 127,
};

/* Prints "nemoclaw-sandbox-exec: <stage>: <reason>" and exits with code. */
__attribute__((noreturn, format(printf, 3, 4))) void fail(int code, const char *stage, const char *format, ...);
/* Called by fail() before exiting when set (the launcher restores the caller's terminal). */
extern void (*before_failing_exit)(void);
/* Prints the same line without exiting. */
__attribute__((format(printf, 2, 3))) void report(const char *stage, const char *format, ...);

/* Writes a whole buffer to a path (for /proc files); returns 0 or -errno. */
int write_file(const char *path, const char *text);
/* Reads up to size-1 bytes of a small file into buffer (NUL-terminated); returns length or -errno. */
ssize_t read_small_file(const char *path, char *buffer, size_t size);

#endif
