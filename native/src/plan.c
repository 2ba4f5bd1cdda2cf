/* Parsing and validation of the launch plan with jansson. Every key is checked: unknown keys,
 * wrong types and out-of-range values are errors (exit 120). */
#define _GNU_SOURCE
#include "plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

static jmp_buf bad_plan;
static char *error_text;
static size_t error_capacity;

__attribute__((noreturn, format(printf, 1, 2))) static void bad(const char *format, ...)
{
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(error_text, error_capacity, format, arguments);
	va_end(arguments);
	longjmp(bad_plan, 1);
}

static void *allocate(size_t count, size_t size)
{
	void *memory = calloc(count ? count : 1, size);
	if (!memory)
		bad("out of memory");
	return memory;
}

/* Rejects keys of object that are not in the NULL-terminated list allowed. */
static void only_keys(const json_t *object, const char *where, const char *const *allowed)
{
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)object, key, value) {
		bool known = false;
		for (const char *const *name = allowed; *name; name++)
			if (strcmp(*name, key) == 0)
				known = true;
		if (!known)
			bad("unknown key \"%s\"%s%s", key, where[0] ? " in " : "", where);
		(void)value;
	}
}

static const json_t *need_object(const json_t *value, const char *where)
{
	if (!json_is_object(value))
		bad("%s must be an object", where);
	return value;
}

static bool get_bool(const json_t *object, const char *key, const char *where, bool fallback)
{
	json_t *value = json_object_get(object, key);
	if (!value)
		return fallback;
	if (!json_is_boolean(value))
		bad("%s%s%s must be true or false", where, where[0] ? "." : "", key);
	return json_is_true(value);
}

/* A JSON string without NUL bytes (they cannot reach execve or a path). */
static char *string_value(const json_t *value, const char *what)
{
	if (!json_is_string(value))
		bad("%s must be a string", what);
	const char *text = json_string_value(value);
	if (strlen(text) != json_string_length(value))
		bad("%s contains a NUL byte", what);
	char *copy = strdup(text);
	if (!copy)
		bad("out of memory");
	return copy;
}

static char *absolute_path(const json_t *value, const char *what)
{
	char *path = string_value(value, what);
	if (path[0] != '/')
		bad("%s must be an absolute path, got \"%s\"", what, path);
	if (strlen(path) >= 4096)
		bad("%s is longer than PATH_MAX", what);
	return path;
}

static long long integer_value(const json_t *value, const char *what, long long minimum, long long maximum)
{
	if (!json_is_integer(value))
		bad("%s must be an integer", what);
	long long number = json_integer_value(value);
	if (number < minimum || number > maximum)
		bad("%s must be from %lld to %lld, got %lld", what, minimum, maximum, number);
	return number;
}

static char **path_list(const json_t *value, const char *what, size_t *count)
{
	if (!json_is_array(value))
		bad("%s must be an array of absolute paths", what);
	*count = json_array_size(value);
	char **list = allocate(*count + 1, sizeof *list);
	char label[96];
	for (size_t index = 0; index < *count; index++) {
		snprintf(label, sizeof label, "%s[%zu]", what, index);
		list[index] = absolute_path(json_array_get(value, index), label);
	}
	return list;
}

static char **name_list(const json_t *value, const char *what, size_t *count)
{
	if (!json_is_array(value))
		bad("%s must be an array of strings", what);
	*count = json_array_size(value);
	char **list = allocate(*count + 1, sizeof *list);
	char label[96];
	for (size_t index = 0; index < *count; index++) {
		snprintf(label, sizeof label, "%s[%zu]", what, index);
		list[index] = string_value(json_array_get(value, index), label);
		if (list[index][0] == '\0')
			bad("%s is empty", label);
	}
	return list;
}

static uint16_t *port_list(const json_t *value, const char *what, size_t *count)
{
	if (!json_is_array(value))
		bad("%s must be an array of ports", what);
	*count = json_array_size(value);
	uint16_t *list = allocate(*count, sizeof *list);
	char label[96];
	for (size_t index = 0; index < *count; index++) {
		snprintf(label, sizeof label, "%s[%zu]", what, index);
		list[index] = (uint16_t)integer_value(json_array_get(value, index), label, 0, 65535);
	}
	return list;
}

static void parse_command(const json_t *command, struct plan *plan)
{
	static const char *const keys[] = {"argv", "cwd", NULL};
	need_object(command, "command");
	only_keys(command, "command", keys);
	json_t *argv = json_object_get(command, "argv");
	if (!json_is_array(argv) || json_array_size(argv) == 0)
		bad("command.argv must be a non-empty array of strings");
	plan->argc = json_array_size(argv);
	plan->argv = allocate(plan->argc + 1, sizeof *plan->argv);
	char label[64];
	for (size_t index = 0; index < plan->argc; index++) {
		snprintf(label, sizeof label, "command.argv[%zu]", index);
		plan->argv[index] = string_value(json_array_get(argv, index), label);
	}
	if (plan->argv[0][0] == '\0')
		bad("command.argv[0] is empty");
	json_t *cwd = json_object_get(command, "cwd");
	if (cwd && !json_is_null(cwd))
		plan->cwd = absolute_path(cwd, "command.cwd");
}

static void parse_env(const json_t *env, struct plan *plan)
{
	need_object(env, "env");
	plan->envc = json_object_size(env);
	plan->envp = allocate(plan->envc + 1, sizeof *plan->envp);
	size_t index = 0;
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)env, key, value) {
		if (key[0] == '\0' || strchr(key, '='))
			bad("env key \"%s\" is not a valid variable name", key);
		char label[160];
		snprintf(label, sizeof label, "env.%.140s", key);
		char *text = string_value(value, label);
		size_t size = strlen(key) + strlen(text) + 2;
		char *entry = allocate(size, 1);
		snprintf(entry, size, "%s=%s", key, text);
		free(text);
		plan->envp[index++] = entry;
	}
}

static void parse_namespaces(const json_t *namespaces, struct plan *plan)
{
	static const char *const keys[] = {"user", "mount", "pid", "net", "ipc", "uts", "cgroup", NULL};
	need_object(namespaces, "namespaces");
	only_keys(namespaces, "namespaces", keys);
	plan->ns.user = get_bool(namespaces, "user", "namespaces", true);
	plan->ns.mount = get_bool(namespaces, "mount", "namespaces", true);
	plan->ns.pid = get_bool(namespaces, "pid", "namespaces", true);
	plan->ns.net = get_bool(namespaces, "net", "namespaces", true);
	plan->ns.ipc = get_bool(namespaces, "ipc", "namespaces", true);
	plan->ns.uts = get_bool(namespaces, "uts", "namespaces", true);
	plan->ns.cgroup = get_bool(namespaces, "cgroup", "namespaces", true);
}

/* filesystem.placeholder_files: [{"path": "/abs", "content": "..."}], content at most 4 KiB. */
static void parse_placeholder_files(const json_t *files, struct plan *plan)
{
	static const char *const keys[] = {"path", "content", NULL};
	if (!json_is_array(files))
		bad("filesystem.placeholder_files must be an array of {path, content} objects");
	size_t count = json_array_size(files);
	plan->fs.placeholder_files = allocate(count + 1, sizeof *plan->fs.placeholder_files);
	plan->fs.placeholder_contents = allocate(count + 1, sizeof *plan->fs.placeholder_contents);
	char label[96];
	for (size_t index = 0; index < count; index++) {
		const json_t *entry = json_array_get(files, index);
		snprintf(label, sizeof label, "filesystem.placeholder_files[%zu]", index);
		need_object(entry, label);
		only_keys(entry, label, keys);
		char what[128];
		snprintf(what, sizeof what, "%s.path", label);
		plan->fs.placeholder_files[index] = absolute_path(json_object_get(entry, "path"), what);
		snprintf(what, sizeof what, "%s.content", label);
		plan->fs.placeholder_contents[index] = string_value(json_object_get(entry, "content"), what);
		if (strlen(plan->fs.placeholder_contents[index]) > 4096)
			bad("%s is longer than 4096 bytes", what);
	}
	plan->fs.placeholder_file_count = count;
}

static void parse_filesystem(const json_t *filesystem, struct plan *plan)
{
	static const char *const keys[] = {"proc", "private_tmp", "deny", "read_only_binds", "read_only_root", "writable", "no_exec", "placeholders", "placeholder_files", NULL};
	need_object(filesystem, "filesystem");
	only_keys(filesystem, "filesystem", keys);
	plan->fs.proc = get_bool(filesystem, "proc", "filesystem", true);
	plan->fs.private_tmp = get_bool(filesystem, "private_tmp", "filesystem", false);
	json_t *deny = json_object_get(filesystem, "deny");
	if (deny)
		plan->fs.deny = path_list(deny, "filesystem.deny", &plan->fs.deny_count);
	json_t *binds = json_object_get(filesystem, "read_only_binds");
	if (binds)
		plan->fs.read_only_binds = path_list(binds, "filesystem.read_only_binds", &plan->fs.read_only_bind_count);
	plan->fs.read_only_root = get_bool(filesystem, "read_only_root", "filesystem", false);
	json_t *writable = json_object_get(filesystem, "writable");
	if (writable)
		plan->fs.writable = path_list(writable, "filesystem.writable", &plan->fs.writable_count);
	json_t *no_exec = json_object_get(filesystem, "no_exec");
	if (no_exec)
		plan->fs.no_exec = path_list(no_exec, "filesystem.no_exec", &plan->fs.no_exec_count);
	json_t *placeholders = json_object_get(filesystem, "placeholders");
	if (placeholders)
		plan->fs.placeholders = path_list(placeholders, "filesystem.placeholders", &plan->fs.placeholder_count);
	json_t *files = json_object_get(filesystem, "placeholder_files");
	if (files)
		parse_placeholder_files(files, plan);
}

static unsigned access_bit(const char *name, const char *where)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{"read", ACCESS_READ},
		{"write", ACCESS_WRITE},
		{"execute", ACCESS_EXECUTE},
		{"make_special", ACCESS_MAKE_SPECIAL},
		{"ioctl_dev", ACCESS_IOCTL_DEV},
	};
	for (size_t index = 0; index < sizeof names / sizeof names[0]; index++)
		if (strcmp(names[index].name, name) == 0)
			return names[index].bit;
	bad("%s: unknown access \"%s\" (read, write, execute, make_special, ioctl_dev)", where, name);
}

static void parse_landlock(const json_t *landlock, struct plan *plan)
{
	static const char *const keys[] = {"compatibility", "paths", "net", "scope", "log", "required", NULL};
	static const char *const required_keys[] = {"truncate", "net", "scope", NULL};
	static const char *const path_keys[] = {"path", "access", NULL};
	static const char *const net_keys[] = {"connect_tcp", "bind_tcp", NULL};
	static const char *const scope_keys[] = {"signal", "abstract_unix_socket", NULL};
	need_object(landlock, "landlock");
	only_keys(landlock, "landlock", keys);

	json_t *compatibility = json_object_get(landlock, "compatibility");
	plan->landlock.hard_requirement = true;
	if (compatibility) {
		char *text = string_value(compatibility, "landlock.compatibility");
		if (strcmp(text, "best_effort") == 0)
			plan->landlock.hard_requirement = false;
		else if (strcmp(text, "hard_requirement") != 0)
			bad("landlock.compatibility must be \"hard_requirement\" or \"best_effort\", got \"%s\"", text);
		free(text);
	}

	json_t *paths = json_object_get(landlock, "paths");
	if (!paths)
		bad("landlock.paths is missing");
	if (!json_is_array(paths))
		bad("landlock.paths must be an array");
	plan->landlock.path_count = json_array_size(paths);
	plan->landlock.paths = allocate(plan->landlock.path_count, sizeof *plan->landlock.paths);
	for (size_t index = 0; index < plan->landlock.path_count; index++) {
		char where[64];
		snprintf(where, sizeof where, "landlock.paths[%zu]", index);
		const json_t *rule = need_object(json_array_get(paths, index), where);
		only_keys(rule, where, path_keys);
		json_t *path = json_object_get(rule, "path");
		json_t *access = json_object_get(rule, "access");
		if (!path || !access)
			bad("%s needs \"path\" and \"access\"", where);
		char label[96];
		snprintf(label, sizeof label, "%s.path", where);
		plan->landlock.paths[index].path = absolute_path(path, label);
		snprintf(label, sizeof label, "%s.access", where);
		size_t count;
		char **names = name_list(access, label, &count);
		if (count == 0)
			bad("%s is empty", label);
		for (size_t name = 0; name < count; name++)
			plan->landlock.paths[index].access |= access_bit(names[name], label);
	}

	json_t *net = json_object_get(landlock, "net");
	if (net && !json_is_null(net)) {
		need_object(net, "landlock.net");
		only_keys(net, "landlock.net", net_keys);
		plan->landlock.has_net = true;
		json_t *connect = json_object_get(net, "connect_tcp");
		if (connect)
			plan->landlock.connect_tcp = port_list(connect, "landlock.net.connect_tcp", &plan->landlock.connect_count);
		json_t *bind_ports = json_object_get(net, "bind_tcp");
		if (bind_ports)
			plan->landlock.bind_tcp = port_list(bind_ports, "landlock.net.bind_tcp", &plan->landlock.bind_count);
	}

	json_t *scope = json_object_get(landlock, "scope");
	if (scope && !json_is_null(scope)) {
		need_object(scope, "landlock.scope");
		only_keys(scope, "landlock.scope", scope_keys);
		plan->landlock.scope_signal = get_bool(scope, "signal", "landlock.scope", false);
		plan->landlock.scope_abstract_unix = get_bool(scope, "abstract_unix_socket", "landlock.scope", false);
	}
	plan->landlock.log = get_bool(landlock, "log", "landlock", false);
	plan->landlock.required_truncate = plan->landlock.required_net = plan->landlock.required_scope = true;
	json_t *required = json_object_get(landlock, "required");
	if (required && !json_is_null(required)) {
		need_object(required, "landlock.required");
		only_keys(required, "landlock.required", required_keys);
		plan->landlock.required_truncate = get_bool(required, "truncate", "landlock.required", true);
		plan->landlock.required_net = get_bool(required, "net", "landlock.required", true);
		plan->landlock.required_scope = get_bool(required, "scope", "landlock.required", true);
	}
}

static void parse_rlimits(const json_t *rlimits, struct plan *plan)
{
	static const struct {
		const char *name;
		int resource;
	} names[] = {
		{"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC},   {"core", RLIMIT_CORE},
		{"cpu", RLIMIT_CPU},       {"fsize", RLIMIT_FSIZE},   {"as", RLIMIT_AS},
		{"stack", RLIMIT_STACK},   {"memlock", RLIMIT_MEMLOCK}, {"data", RLIMIT_DATA},
		{"nice", RLIMIT_NICE},     {"sigpending", RLIMIT_SIGPENDING}, {"msgqueue", RLIMIT_MSGQUEUE},
	};
	need_object(rlimits, "rlimits");
	const char *key;
	json_t *value;
	json_object_foreach((json_t *)rlimits, key, value) {
		size_t index = 0;
		while (index < sizeof names / sizeof names[0] && strcmp(names[index].name, key) != 0)
			index++;
		if (index == sizeof names / sizeof names[0])
			bad("unknown key \"%s\" in rlimits (nofile, nproc, core, cpu, fsize, as, stack, memlock, data, nice, sigpending, msgqueue)", key);
		struct plan_rlimit *limit = &plan->rlimits[plan->rlimit_count++];
		limit->resource = names[index].resource;
		limit->name = names[index].name;
		char label[64];
		snprintf(label, sizeof label, "rlimits.%s", key);
		if (json_is_string(value) && strcmp(json_string_value(value), "unlimited") == 0)
			limit->value = RLIM_INFINITY;
		else
			limit->value = (rlim_t)integer_value(value, label, 0, INT64_MAX);
	}
}

static bool in_list(char **list, size_t count, const char *name)
{
	for (size_t index = 0; index < count; index++)
		if (strcmp(list[index], name) == 0)
			return true;
	return false;
}

static void parse_seccomp(const json_t *seccomp, struct plan *plan)
{
	static const char *const keys[] = {"profile", "allow", "deny", "allow_unix_sockets", NULL};
	need_object(seccomp, "seccomp");
	only_keys(seccomp, "seccomp", keys);
	json_t *profile = json_object_get(seccomp, "profile");
	if (profile) {
		char *text = string_value(profile, "seccomp.profile");
		if (strcmp(text, "strict") == 0)
			plan->seccomp.strict = true;
		else if (strcmp(text, "default") != 0)
			bad("seccomp.profile must be \"default\" or \"strict\", got \"%s\"", text);
		free(text);
	}
	json_t *allow = json_object_get(seccomp, "allow");
	if (allow)
		plan->seccomp.allow = name_list(allow, "seccomp.allow", &plan->seccomp.allow_count);
	json_t *deny = json_object_get(seccomp, "deny");
	if (deny)
		plan->seccomp.deny = name_list(deny, "seccomp.deny", &plan->seccomp.deny_count);
	for (size_t index = 0; index < plan->seccomp.deny_count; index++)
		if (in_list(plan->seccomp.allow, plan->seccomp.allow_count, plan->seccomp.deny[index]))
			bad("seccomp: \"%s\" is both allowed and denied", plan->seccomp.deny[index]);
	plan->seccomp.allow_unix_sockets = get_bool(seccomp, "allow_unix_sockets", "seccomp", false);
}

static int compare_int(const void *left, const void *right)
{
	int a = *(const int *)left, b = *(const int *)right;
	return (a > b) - (a < b);
}

static void parse_keep_fds(const json_t *keep, struct plan *plan, int plan_fd)
{
	if (!json_is_array(keep))
		bad("keep_fds must be an array of file descriptors");
	plan->keep_fd_count = json_array_size(keep);
	plan->keep_fds = allocate(plan->keep_fd_count, sizeof *plan->keep_fds);
	for (size_t index = 0; index < plan->keep_fd_count; index++) {
		char label[48];
		snprintf(label, sizeof label, "keep_fds[%zu]", index);
		int fd = (int)integer_value(json_array_get(keep, index), label, 3, 1 << 20);
		if (fd == plan_fd)
			bad("%s is the plan's own file descriptor %d", label, fd);
		if (fcntl(fd, F_GETFD) < 0)
			bad("%s: file descriptor %d is not open", label, fd);
		plan->keep_fds[index] = fd;
	}
	qsort(plan->keep_fds, plan->keep_fd_count, sizeof *plan->keep_fds, compare_int);
	size_t unique = 0;
	for (size_t index = 0; index < plan->keep_fd_count; index++)
		if (unique == 0 || plan->keep_fds[unique - 1] != plan->keep_fds[index])
			plan->keep_fds[unique++] = plan->keep_fds[index];
	plan->keep_fd_count = unique;
}

static void parse_bridge(const json_t *bridge, struct plan *plan)
{
	static const char *const keys[] = {"listen", "unix_socket", NULL};
	if (json_is_null(bridge))
		return;
	need_object(bridge, "bridge");
	only_keys(bridge, "bridge", keys);
	json_t *listen_value = json_object_get(bridge, "listen");
	json_t *socket_value = json_object_get(bridge, "unix_socket");
	if (!listen_value || !socket_value)
		bad("bridge needs \"listen\" and \"unix_socket\"");
	plan->bridge.enabled = true;
	plan->bridge.listen = string_value(listen_value, "bridge.listen");
	plan->bridge.unix_socket = absolute_path(socket_value, "bridge.unix_socket");
	if (strlen(plan->bridge.unix_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		bad("bridge.unix_socket is longer than a Unix socket path may be (107 bytes)");

	/* "127.0.0.1:3128" or "[::1]:3128" */
	char host[64];
	const char *text = plan->bridge.listen;
	const char *colon;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof host)
			bad("bridge.listen must be ADDRESS:PORT, got \"%s\"", text);
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		colon = close + 1;
		plan->bridge.family = AF_INET6;
	} else {
		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof host)
			bad("bridge.listen must be ADDRESS:PORT, got \"%s\"", text);
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		plan->bridge.family = AF_INET;
	}
	if (inet_pton(plan->bridge.family, host, plan->bridge.address) != 1)
		bad("bridge.listen: \"%s\" is not an IP address", host);
	char *end;
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '\0' || port == 0 || port > 65535)
		bad("bridge.listen: port must be from 1 to 65535, got \"%s\"", colon + 1);
	plan->bridge.port = (uint16_t)port;
}

int plan_parse(const char *text, size_t length, int plan_fd, struct plan *plan, char *error, size_t error_size)
{
	static const char *const keys[] = {"version",  "command", "env",          "namespaces", "hostname",
					   "filesystem", "landlock", "rlimits",      "wall_seconds", "seccomp",
					   "keep_fds", "bridge",   "pty",          "abi_override", "verbose", NULL};
	memset(plan, 0, sizeof *plan);
	plan->ns.user = plan->ns.mount = plan->ns.pid = plan->ns.net = true;
	plan->ns.ipc = plan->ns.uts = plan->ns.cgroup = true;
	plan->fs.proc = true;
	plan->abi_override = -1;
	error_text = error;
	error_capacity = error_size;
	json_t *volatile root = NULL;
	if (setjmp(bad_plan)) {
		if (root)
			json_decref(root);
		return -1;
	}

	json_error_t json_error;
	root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &json_error);
	if (!root)
		bad("not valid JSON: %s (line %d, column %d)", json_error.text, json_error.line, json_error.column);
	need_object(root, "the plan");
	only_keys(root, "", keys);

	json_t *version = json_object_get(root, "version");
	if (!version)
		bad("version is missing");
	if (!json_is_integer(version) || json_integer_value(version) != 1)
		bad("version must be 1 (this launcher understands plan version 1 only)");

	json_t *command = json_object_get(root, "command");
	if (!command)
		bad("command is missing");
	parse_command(command, plan);

	json_t *env = json_object_get(root, "env");
	if (!env)
		bad("env is missing (the command's complete environment)");
	parse_env(env, plan);

	json_t *namespaces = json_object_get(root, "namespaces");
	if (namespaces)
		parse_namespaces(namespaces, plan);

	json_t *hostname = json_object_get(root, "hostname");
	if (hostname && !json_is_null(hostname)) {
		plan->hostname = string_value(hostname, "hostname");
		size_t size = strlen(plan->hostname);
		if (size == 0 || size > 64)
			bad("hostname must be 1 to 64 characters");
		if (!plan->ns.uts)
			bad("hostname needs namespaces.uts");
	}

	json_t *filesystem = json_object_get(root, "filesystem");
	if (filesystem)
		parse_filesystem(filesystem, plan);
	if (!plan->ns.mount && (plan->fs.proc || plan->fs.private_tmp || plan->fs.deny_count || plan->fs.read_only_bind_count ||
				plan->fs.read_only_root || plan->fs.writable_count || plan->fs.no_exec_count || plan->fs.placeholder_count ||
				plan->fs.placeholder_file_count))
		bad("filesystem.proc, private_tmp, deny, read_only_binds, read_only_root, writable, no_exec, placeholders and placeholder_files need namespaces.mount");

	json_t *landlock = json_object_get(root, "landlock");
	if (!landlock)
		bad("landlock is missing");
	parse_landlock(landlock, plan);

	json_t *rlimits = json_object_get(root, "rlimits");
	if (rlimits)
		parse_rlimits(rlimits, plan);

	json_t *wall = json_object_get(root, "wall_seconds");
	if (wall)
		plan->wall_seconds = (unsigned long)integer_value(wall, "wall_seconds", 0, 1L << 31);

	json_t *seccomp = json_object_get(root, "seccomp");
	if (!seccomp)
		bad("seccomp is missing");
	parse_seccomp(seccomp, plan);

	json_t *keep = json_object_get(root, "keep_fds");
	if (keep)
		parse_keep_fds(keep, plan, plan_fd);

	json_t *bridge = json_object_get(root, "bridge");
	if (bridge)
		parse_bridge(bridge, plan);
	if (plan->bridge.enabled && !plan->ns.net)
		bad("bridge needs namespaces.net (it listens inside the sandbox's network namespace)");

	plan->pty = get_bool(root, "pty", "", false);
	json_t *abi = json_object_get(root, "abi_override");
	if (abi && !json_is_null(abi))
		plan->abi_override = (int)integer_value(abi, "abi_override", 0, 7);
	plan->verbose = get_bool(root, "verbose", "", false);

	json_decref(root);
	return 0;
}
