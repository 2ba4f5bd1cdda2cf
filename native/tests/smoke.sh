#!/bin/sh
# Smoke tests of nemoclaw-sandbox-exec against the real kernel (run by `make check`).
# Each check runs the launcher with a real plan and asserts what the command saw, including
# that a refused operation failed with the errno our protection produces (EPERM from seccomp,
# EACCES from Landlock or a mask), and that legitimate use works.
# Needs: a C compiler (for tests/attempt.c), Landlock ABI >= 4 for the network checks.
set -u
LAUNCHER=${LAUNCHER:?set LAUNCHER to the nemoclaw-sandbox-exec to test}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nemoclaw-smoke.XXXXXX")
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT INT TERM
ATTEMPT=$WORK/bin/attempt
mkdir -p "$WORK/bin" "$WORK/rw" "$WORK/ro" "$WORK/secret-dir" "$WORK/home"
${CC:-cc} -O2 -o "$ATTEMPT" "$HERE/attempt.c" || { echo "smoke: cannot build tests/attempt.c" >&2; exit 1; }
echo "top secret" > "$WORK/secret-file"
echo "API_KEY=secret" > "$WORK/rw/.env"
echo "top secret" > "$WORK/secret-dir/key"
echo "read me" > "$WORK/ro/file"
printf '#!/bin/sh\necho hi\n' > "$WORK/bin/not-executable"
chmod 644 "$WORK/bin/not-executable"
ln -s "$WORK/secret-dir" "$WORK/link-to-secret"
chmod -R a+rX "$WORK"
chmod 777 "$WORK/rw"

PROBE=$("$LAUNCHER" --probe)
ABI=$(printf '%s' "$PROBE" | sed -n 's/.*"landlock_abi":\([0-9]*\).*/\1/p')
# SMOKE_ABI=N runs every plan with abi_override N: the checks of an older kernel on this one.
DEFAULT_ABI=null
if [ -n "${SMOKE_ABI:-}" ] && [ "$SMOKE_ABI" -lt "${ABI:-0}" ]; then
	ABI=$SMOKE_ABI
	DEFAULT_ABI=$SMOKE_ABI
fi
case $PROBE in
*'"user_namespaces":true'*) ;;
*)
	echo "smoke: this machine cannot create user namespaces, nothing to test: $PROBE" >&2
	exit 1
	;;
esac
# The plans ask for scoping (ABI 6); on older kernels they run best_effort.
DEFAULT_COMPAT=hard_requirement
[ "${ABI:-0}" -ge 6 ] || DEFAULT_COMPAT=best_effort
passed=0
failed=0

DEFAULT_ENV='{"PATH":"/usr/bin:/bin:'"$WORK"'/bin","HOME":"'"$WORK"'/home","NEMOCLAW_TEST":"1"}'
DEFAULT_DENY='["'"$WORK"'/rw/.env","'"$WORK"'/secret-file","'"$WORK"'/secret-dir","'"$WORK"'/missing"]'
DEFAULT_NET='{"connect_tcp":[],"bind_tcp":[]}'
DEFAULT_SECCOMP='{"profile":"default","allow":[],"deny":[],"allow_unix_sockets":false}'

# plan ARGV_JSON: prints a default-like plan; knobs: P_COMPAT P_NET P_SECCOMP P_EXTRA P_DENY P_ENV
# P_FS (extra filesystem keys) P_LL (extra landlock keys)
plan() {
	cat <<EOF
{"version":1,"command":{"argv":$1,"cwd":"$WORK/rw"},
 "env":${P_ENV:-$DEFAULT_ENV},
 "namespaces":{"user":true,"mount":true,"pid":${P_PID:-true},"net":${P_NETNS:-true},"ipc":true,"uts":true,"cgroup":true},
 "hostname":"nemoclaw",
 "filesystem":{"proc":${P_PROC:-true},"private_tmp":false,"deny":${P_DENY:-$DEFAULT_DENY},"read_only_binds":[]${P_FS:-}},
 "landlock":{"compatibility":"${P_COMPAT:-$DEFAULT_COMPAT}",
   "paths":[{"path":"/usr","access":["read","execute"]},{"path":"/bin","access":["read","execute"]},
            {"path":"/lib","access":["read","execute"]},{"path":"/lib64","access":["read","execute"]},
            {"path":"/etc","access":["read"]},{"path":"/proc","access":["read"]},{"path":"/dev","access":["read","write"]},
            {"path":"$WORK","access":["read"]},{"path":"$WORK/bin","access":["read","execute"]},
            {"path":"$WORK/rw","access":["read","write"]}],
   "net":${P_NET:-$DEFAULT_NET},"scope":{"signal":true,"abstract_unix_socket":true},"log":false${P_LL:-}},
 "rlimits":{"nofile":256,"core":0},
 "seccomp":${P_SECCOMP:-$DEFAULT_SECCOMP},
 "bridge":${P_BRIDGE:-null},"pty":${P_PTY:-false},"abi_override":${P_ABI:-$DEFAULT_ABI},"verbose":false${P_EXTRA:-}}
EOF
}

# run ARGV_JSON: runs the launcher on the plan; sets OUT, ERR, CODE
run() {
	plan "$1" > "$WORK/plan.json"
	"$LAUNCHER" --plan-fd 3 3< "$WORK/plan.json" > "$WORK/out" 2> "$WORK/err" < /dev/null
	CODE=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
}

check() { # NAME CONDITION...
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name (code=$CODE out=[$OUT] err=[$ERR])"
	fi
}
is() { [ "$1" = "$2" ]; }
has() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }

# --- legitimate use works -------------------------------------------------------------------
run '["true"]'
check "true exits 0" is "$CODE" 0
run '["sh","-c","exit 7"]'
check "exit code passes through" is "$CODE" 7
run '["sh","-c","kill -TERM $$"]'
check "killed by SIGTERM -> 143" is "$CODE" 143
run '["sh","-c","echo data > out.txt && cat out.txt"]'
check "write in read_write path" is "$OUT" "data"
run '["cat","'"$WORK"'/ro/file"]'
check "read in read-only path" is "$OUT" "read me"
run '["sh","-c","env | sort"]'
check "environment is exactly plan.env" is "$OUT" "$(printf 'HOME=%s/home\nNEMOCLAW_TEST=1\nPATH=/usr/bin:/bin:%s/bin\nPWD=%s/rw' "$WORK" "$WORK" "$WORK")"
run '["sh","-c","hostname; echo $$; ls /proc | grep -c \"^[0-9]\""]'
check "uts+pid namespaces (hostname, pid 2, few processes)" has "$OUT" "nemoclaw
2"
run '["attempt","socketpair"]'
check "socketpair(AF_UNIX) allowed" is "$OUT" ok
run '["attempt","netlink-route"]'
check "netlink route socket allowed" is "$OUT" ok
run '["attempt","personality-query"]'
check "personality query allowed" is "$OUT" ok

run '["sh","-c","grep -E \"^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):\" /proc/self/status | tr -d \"\\t\" | tr \"\\n\" \" \""]'
check "no capabilities at all, no_new_privs, seccomp filter" is "$OUT" "CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 NoNewPrivs:1 Seccomp:2 "

# --- bad input: documented exit codes -------------------------------------------------------
printf '{"version":1,' > "$WORK/bad.json"
"$LAUNCHER" --plan-fd 3 3< "$WORK/bad.json" 2> "$WORK/err"
CODE=$? OUT="" ERR=$(cat "$WORK/err")
check "malformed JSON -> 120" is "$CODE" 120
P_EXTRA=',"surprise":1' run '["true"]'
check "unknown key -> 120 naming it" has "$CODE:$ERR" '120:nemoclaw-sandbox-exec: plan: unknown key "surprise"'
P_SECCOMP='{"profile":"default","allow":["no_such_call"],"deny":[]}' run '["true"]'
check "unknown syscall name -> 120" is "$CODE" 120
bad_plan() { # NAME EXPECTED-REASON JSON
	printf '%s' "$3" > "$WORK/bad.json"
	"$LAUNCHER" --plan-file "$WORK/bad.json" > /dev/null 2> "$WORK/err"
	CODE=$? OUT="" ERR=$(cat "$WORK/err")
	check "bad plan: $1 -> 120" has "$CODE:$ERR" "120:nemoclaw-sandbox-exec: plan: " && check "  ... names the problem" has "$ERR" "$2"
}
L='"landlock":{"paths":[]},"seccomp":{}'
bad_plan "wrong version" "version must be 1" '{"version":2,"command":{"argv":["true"]},"env":{},'"$L"'}'
bad_plan "wrong type" "pty must be true or false" '{"version":1,"command":{"argv":["true"]},"env":{},'"$L"',"pty":"yes"}'
bad_plan "duplicate key" "duplicate object key" '{"version":1,"version":1,"command":{"argv":["true"]},"env":{},'"$L"'}'
bad_plan "NUL byte" "is not allowed" '{"version":1,"command":{"argv":["tr\u0000ue"]},"env":{},'"$L"'}'
bad_plan "relative path" "filesystem.deny[0] must be an absolute path" '{"version":1,"command":{"argv":["true"]},"env":{},'"$L"',"filesystem":{"deny":["x"]}}'
bad_plan "unknown access" 'unknown access "admin"' '{"version":1,"command":{"argv":["true"]},"env":{},"landlock":{"paths":[{"path":"/","access":["admin"]}]},"seccomp":{}}'
bad_plan "port out of range" "landlock.net.connect_tcp[0] must be from 0 to 65535" '{"version":1,"command":{"argv":["true"]},"env":{},"landlock":{"paths":[],"net":{"connect_tcp":[70000]}},"seccomp":{}}'
bad_plan "missing landlock" "landlock is missing" '{"version":1,"command":{"argv":["true"]},"env":{},"seccomp":{}}'
bad_plan "mount without mount namespace" "need namespaces.mount" '{"version":1,"command":{"argv":["true"]},"env":{},'"$L"',"namespaces":{"mount":false}}'
bad_plan "keep_fds not open" "file descriptor 77 is not open" '{"version":1,"command":{"argv":["true"]},"env":{},'"$L"',"keep_fds":[77]}'
bad_plan "bad bridge address" "is not an IP address" '{"version":1,"command":{"argv":["true"]},"env":{},'"$L"',"bridge":{"listen":"localhost:3128","unix_socket":"/x/y"}}'
"$LAUNCHER" 2> "$WORK/err" 3<&-
CODE=$?
check "no plan fd -> 120" is "$CODE" 120
run '["no-such-command-anywhere"]'
check "missing command -> 127" is "$CODE" 127
run '["not-executable"]'
check "not executable -> 126" is "$CODE" 126
run '["'"$WORK"'/rw"]'
check "directory as command -> 126" is "$CODE" 126

# --- filesystem -----------------------------------------------------------------------------
run '["cat","'"$WORK"'/secret-dir/key"]'
check "denied directory masked (EACCES)" has "$CODE:$ERR" "1:" && check "  ... by the mask" has "$ERR" "cat: $WORK/secret-dir/key: Permission denied"
run '["cat","'"$WORK"'/secret-file"]'
check "denied file masked by /dev/null (empty)" is "$CODE:$OUT" "0:"
run '["sh","-c","cat .env; echo x > .env; cat .env"]'
check "denied file in a writable path: reads empty, writes vanish" is "$CODE:$OUT:$(cat "$WORK/rw/.env")" "0::API_KEY=secret"
run '["cat","'"$WORK"'/link-to-secret/key"]'
check "denied directory masked through a symlink" has "$ERR" "Permission denied"
P_DENY='["'"$WORK"'/link-to-secret"]' run '["cat","'"$WORK"'/secret-dir/key"]'
check "symlinked deny path masks its target" has "$ERR" "Permission denied"
run '["sh","-c","echo x > '"$WORK"'/ro/new"]'
check "write outside read_write fails (Landlock EACCES)" has "$ERR" "Permission denied"
# read-only root: metadata changes Landlock cannot see fail outside the writable paths
P_FS=',"read_only_root":true,"writable":["'"$WORK"'/rw"]' run '["sh","-c","touch '"$WORK"'/ro; echo data > w && cat w; mv '"$WORK"'/rw '"$WORK"'/rw2"]'
check "read_only_root: utimes outside writable -> EROFS" has "$ERR" "Read-only file system"
check "  ... the writable path stays writable" is "$OUT" "data"
check "  ... and cannot be moved away (read-only parent, mount point)" has "$ERR" "cannot move"
run '["sh","-c","touch '"$WORK"'/ro && echo touched"]'
check "  ... control: without it, utimes succeeds (Landlock has no right for it)" is "$OUT" "touched"
LOADER=$(ls /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1 2>/dev/null | head -n 1)
P_FS=',"no_exec":["'"$WORK"'/rw"]' run '["sh","-c","cp /bin/true nx && '"$LOADER"' ./nx; echo rc=$?"]'
check "no_exec: the dynamic loader cannot map a payload (noexec mount)" has "$OUT:$ERR" "failed to map segment"
run '["sh","-c","cp /bin/true nx && '"$LOADER"' ./nx; echo rc=$?"]'
check "  ... control: without it, it can" is "$OUT" "rc=0"
P_FS=',"placeholders":["'"$WORK"'/rw/.ph/sub"]' run '["sh","-c","ls -d .ph/sub && echo x > .ph/sub/f"]'
check "placeholders: created, read-only inside" has "$OUT:$ERR" ".ph/sub:" && check "  ... EROFS" has "$ERR" "Read-only file system"
check "  ... and removed at exit" is "$(ls -A "$WORK/rw" | grep -c '^\.ph$')" 0
if [ "${ABI:-0}" -ge 4 ]; then
	P_ABI=4 P_COMPAT=hard_requirement P_LL=',"required":{"truncate":true,"net":true,"scope":false}' run '["true"]'
	check "required.scope false: hard_requirement runs at ABI 4" is "$CODE:$ERR" "0:"
	P_ABI=1 P_COMPAT=hard_requirement P_LL=',"required":{"truncate":false,"net":false,"scope":false}' run '["true"]'
	check "nothing but filesystem rules required: hard_requirement runs at ABI 1" is "$CODE:$ERR" "0:"
	P_ABI=4 P_COMPAT=hard_requirement run '["true"]'
	check "  ... control: without required, ABI 4 is refused (123)" is "$CODE" 123
fi
run '["cat","/proc/1/root'"$WORK"'/secret-dir/key"]'
check "/proc/1/root does not reach a masked path" has "$ERR" "Permission denied"
run '["sh","-c","cp /bin/true '"$WORK"'/rw/t && '"$WORK"'/rw/t"]'
check "no execute in a write-only path" is "$CODE" 126

# --- kernel surface: seccomp (EPERM) --------------------------------------------------------
for attempt in ptrace unix-socket unix-socket-high-bits packet-socket netlink-audit vsock unshare-user \
	clone-newuser io_uring bpf keyctl personality-linux32; do
	run '["attempt","'$attempt'"]'
	check "$attempt denied with EPERM" is "$OUT" EPERM
done
if [ "$(uname -m)" = x86_64 ]; then
	run '["attempt","x32-syscall"]'
	check "x32 system call kills the process (SIGSYS, 159)" is "$CODE" 159
	if "$ATTEMPT" ia32-syscall > /dev/null 2>&1; then
		run '["attempt","ia32-syscall"]'
		check "ia32 system call (int 0x80) kills the process (SIGSYS, 159)" is "$CODE" 159
	else
		echo "skip ia32 check (this kernel has no ia32 emulation)"
	fi
fi
run '["attempt","clone3"]'
check "clone3 -> ENOSYS" is "$OUT" ENOSYS
run '["attempt","memfd"]'
check "memfd_create allowed by default" is "$OUT" ok
P_SECCOMP='{"profile":"strict","allow":[],"deny":[]}' run '["attempt","memfd"]'
check "memfd_create denied by strict" is "$OUT" EPERM
P_SECCOMP='{"profile":"default","allow":["ptrace"],"deny":["memfd_create"]}' run '["attempt","memfd"]'
check "seccomp.deny adds a call" is "$OUT" EPERM
P_SECCOMP='{"profile":"default","allow":[],"deny":[],"allow_unix_sockets":true}' run '["attempt","unix-socket"]'
check "allow_unix_sockets re-allows socket(AF_UNIX)" is "$OUT" ok
run '["attempt","kill-init"]'
if [ "${ABI:-0}" -ge 6 ]; then
	check "PID 1 cannot be signalled from inside (Landlock scope: EPERM)" is "$OUT:$CODE" "EPERM:1"
else
	check "PID 1 ignores SIGKILL from inside" is "$CODE" 0
fi

run '["sh","-c","cat /proc/1/environ; ls /proc/1/fd"]'
check "PID 1's /proc entries are out of reach (Landlock ptrace rules)" has "$CODE:$ERR" "Permission denied"

# --- network --------------------------------------------------------------------------------
if [ "${ABI:-0}" -ge 4 ]; then
	run '["attempt","tcp-connect","127.0.0.1","9"]'
	check "TCP connect denied by Landlock (EACCES)" is "$OUT" EACCES
	run '["attempt","tcp-bind","8080"]'
	check "TCP bind denied by Landlock (EACCES)" is "$OUT" EACCES
	P_NET='{"connect_tcp":[9],"bind_tcp":[]}' run '["attempt","tcp-connect","127.0.0.1","9"]'
	check "allowed port reaches loopback (refused: nothing listens)" is "$OUT" ECONNREFUSED
	"$ATTEMPT" unix-echo-server "$WORK/proxy.sock" > "$WORK/server.out" &
	server=$!
	tries=0
	while [ ! -S "$WORK/proxy.sock" ] && [ $tries -lt 50 ]; do sleep 0.05; tries=$((tries + 1)); done
	P_NET='{"connect_tcp":[3128],"bind_tcp":[]}' \
		P_BRIDGE='{"listen":"127.0.0.1:3128","unix_socket":"'"$WORK"'/proxy.sock"}' \
		run '["attempt","bridge-get","127.0.0.1","3128"]'
	wait $server
	check "bridge relays with the NEMOCLAW-PEER preamble" is "$OUT" "NEMOCLAW-PEER pid=2 exe=$ATTEMPT uid=$(id -u)
hello"
else
	echo "skip network checks (Landlock ABI ${ABI:-0} < 4)"
fi
if [ "${ABI:-0}" -ge 6 ]; then
	# Scoping, seen without the namespaces that would hide the outside anyway (net/pid off).
	UNIX_OK='{"profile":"default","allow":[],"deny":[],"allow_unix_sockets":true}'
	abstract_name="nemoclaw-smoke-$$"
	"$ATTEMPT" abstract-server "$abstract_name" > /dev/null &
	server=$!
	sleep 0.2
	P_NETNS=false P_SECCOMP=$UNIX_OK run '["attempt","abstract-connect","'"$abstract_name"'"]'
	check "abstract Unix socket outside the domain refused (Landlock scope: EPERM)" is "$OUT" EPERM
	P_NETNS=false P_SECCOMP=$UNIX_OK P_COMPAT=best_effort P_ABI=5 \
		run '["attempt","abstract-connect","'"$abstract_name"'"]'
	check "... and reachable on ABI 5 (so the refusal above is the scope)" is "$OUT" ok
	wait $server
	sleep 30 &
	sleeper=$!
	P_PID=false P_PROC=false run '["attempt","kill","'"$sleeper"'"]'
	check "signal to a process outside the domain refused (Landlock scope: EPERM)" is "$OUT" EPERM
	P_PID=false P_PROC=false P_COMPAT=best_effort P_ABI=5 run '["attempt","kill","'"$sleeper"'"]'
	check "... and allowed on ABI 5 (so the refusal above is the scope)" is "$OUT" ok
	kill $sleeper 2> /dev/null
	wait $sleeper 2> /dev/null
fi
# Every ABI from 1 to the kernel's: the ruleset is accepted and best_effort names what is missing.
abi=1
while [ "$abi" -le "${ABI:-0}" ]; do
	P_COMPAT=best_effort P_ABI=$abi run '["sh","-c","echo x > f && cat f && ! cat '"$WORK"'/secret-dir/key 2>/dev/null"]'
	lines=$(printf '%s\n' "$ERR" | grep -c 'best_effort: Landlock ABI')
	case $abi in 1 | 2) want=4 ;; 3) want=3 ;; 4 | 5) want=2 ;; *) want=0 ;; esac
	check "abi_override $abi: runs under Landlock, $want missing protections named" is "$CODE:$OUT:$lines" "0:x:$want"
	abi=$((abi + 1))
done

# --- Landlock compatibility -----------------------------------------------------------------
if [ "${ABI:-0}" -ge 4 ]; then
P_COMPAT=hard_requirement P_ABI=3 run '["true"]'
check "hard_requirement on ABI 3 refuses (123) naming TCP rules" has "$CODE:$ERR" "123:nemoclaw-sandbox-exec: landlock: hard_requirement not met: Landlock ABI 3 lacks TCP port rules"
P_COMPAT=best_effort P_ABI=3 run '["true"]'
check "best_effort on ABI 3 runs and says what is missing" has "$CODE:$ERR" "0:nemoclaw-sandbox-exec: best_effort: Landlock ABI 3 lacks TCP port rules (needs ABI 4, kernel 6.7): network connect is not restricted by Landlock"
P_COMPAT=best_effort P_ABI=3 run '["attempt","tcp-connect","127.0.0.1","9"]'
check "ABI 3 override really leaves TCP unrestricted" is "$OUT" ECONNREFUSED
fi

# --- processes, fds, time -------------------------------------------------------------------
start=$(date +%s)
run '["sh","-c","sleep 60 & exit 3"]'
check "background processes die with the command" is "$CODE:$(($(date +%s) - start < 10))" "3:1"
# PID 1 kills and reaps everything before the launcher returns: a lock only a background process
# still holds is free the moment the launcher exits (the launcher does not wait for PID 1's exit).
if command -v flock > /dev/null; then
	run '["sh","-c","exec 9> lock; flock 9; sleep 60 & exit 3"]'
	flock -n "$WORK/rw/lock" true
	check "background processes are dead when the launcher returns" is "$CODE:$?" "3:0"
	# Without a PID namespace there is nothing to kill: the caller's own processes are left alone.
	sleep 30 &
	outsider=$!
	P_PID=false P_PROC=false run '["true"]'
	check "no PID namespace: processes outside survive the sandbox's end" is "$CODE:$(kill -0 $outsider 2> /dev/null && echo alive)" "0:alive"
	kill $outsider 2> /dev/null
	wait $outsider 2> /dev/null
fi
P_EXTRA=',"wall_seconds":1' run '["sleep","30"]'
check "wall_seconds kills the sandbox (137)" has "$CODE:$ERR" "137:" && check "  ... and says so" has "$ERR" "nemoclaw-sandbox-exec: wall: time limit of 1 s reached"
plan '["sh","-c","ls /proc/self/fd | tr \"\\n\" \" \""]' > "$WORK/plan.json"
OUT=$("$LAUNCHER" 3< "$WORK/plan.json" 5< /dev/null 6< /dev/null)
CODE=$? ERR=""
check "inherited fds are closed" is "$OUT" "0 1 2 3 "
P_EXTRA=',"keep_fds":[6]' plan '["sh","-c","ls /proc/self/fd | tr \"\\n\" \" \""]' > "$WORK/plan.json"
OUT=$("$LAUNCHER" 3< "$WORK/plan.json" 5< /dev/null 6< /dev/null)
check "keep_fds are passed" is "$OUT" "0 1 2 3 6 "
plan '["sleep","30"]' > "$WORK/plan.json"
"$LAUNCHER" 3< "$WORK/plan.json" &
launcher=$!
sleep 0.3
kill -TERM $launcher
wait $launcher
CODE=$?
check "SIGTERM forwarded to the command (143)" is "$CODE" 143
if command -v script > /dev/null 2>&1; then
	plan '["attempt","tiocsti"]' > "$WORK/plan.json"
	OUT=$(script -qc "$LAUNCHER --plan-file $WORK/plan.json" /dev/null < /dev/null | tr -d '\r' | tail -n 1)
	check "TIOCSTI into the caller's terminal refused (new session)" is "$OUT" EPERM
	P_PTY=true plan '["sh","-c","test -t 0 && test -t 1 && tty | grep -q /dev/pts && echo pty-ok"]' > "$WORK/plan.json"
	OUT=$("$LAUNCHER" 3< "$WORK/plan.json" < /dev/null | tr -d '\r')
	check "pty mode gives a terminal" is "$OUT" pty-ok
fi

# --- join mode (nemoclaw sandbox exec) ---------------------------------------------------------
plan '["sleep","30"]' > "$WORK/long.json"
"$LAUNCHER" --plan-file "$WORK/long.json" &
launcher=$!
tries=0
init=""
while [ -z "$init" ] && [ $tries -lt 50 ]; do
	sleep 0.1
	init=$(cat "/proc/$launcher/task/$launcher/children" 2> /dev/null | cut -d' ' -f1)
	tries=$((tries + 1))
done
sleep 0.3
P_EXTRA=',"wall_seconds":10' plan '["sh","-c","ps -o comm= -p 2; hostname"]' > "$WORK/join.json"
OUT=$("$LAUNCHER" --join-pid "$init" --plan-file "$WORK/join.json" 2> "$WORK/err")
CODE=$? ERR=$(cat "$WORK/err")
check "join: a second command runs in the running sandbox's namespaces" is "$CODE:$OUT" "0:sleep
nemoclaw"
plan '["attempt","ptrace"]' > "$WORK/join.json"
OUT=$("$LAUNCHER" --join-pid "$init" --plan-file "$WORK/join.json" 2> "$WORK/err")
check "join: the same seccomp filter applies" is "$OUT" EPERM
"$LAUNCHER" --join-pid "$launcher" --plan-file "$WORK/join.json" > /dev/null 2> "$WORK/err"
CODE=$? ERR=$(cat "$WORK/err")
check "join: refuses a process that is not a sandbox's PID 1 (121)" has "$CODE:$ERR" "121:" && check "  ... saying why" has "$ERR" "nemoclaw-sandbox-exec: join: process $launcher is not"
kill $launcher
wait $launcher 2> /dev/null

# --- unprivileged caller --------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null 2>&1; then
	plan '["sh","-c","id -u; cat '"$WORK"'/secret-dir/key"]' > "$WORK/plan.json"
	chmod 644 "$WORK/plan.json"
	OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$LAUNCHER" 3< "$WORK/plan.json" 2> "$WORK/err")
	CODE=$? ERR=$(cat "$WORK/err")
	check "unprivileged caller: runs as itself, masks hold" is "$CODE:$OUT" "1:65534"
	plan '["attempt","ptrace"]' > "$WORK/plan.json"
	OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$LAUNCHER" 3< "$WORK/plan.json" 2> "$WORK/err")
	check "unprivileged caller: seccomp holds" is "$OUT" EPERM
fi

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
