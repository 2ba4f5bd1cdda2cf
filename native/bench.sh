#!/bin/sh
# Benchmarks `true` under nemoclaw-sandbox-exec (a default-like plan: every namespace, read-only
# root with the project bound back, /proc, private noexec /tmp, a pinned .git with read-only hooks,
# a placeholder, deny masks, Landlock fs+TCP+scoping+logging, the default seccomp profile, rlimits;
# as root also the pids cgroup nproc needs)
# against bubblewrap (`bwrap --ro-bind / / --unshare-all true`) in the same hyperfine run, and
# writes native/BENCHMARKS.md. Needs hyperfine, bwrap and node (to read hyperfine's JSON).
# Usage: native/bench.sh [RUNS]   (default 300)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${1:-300}
make -s -C "$HERE" > /dev/null
LAUNCHER=$HERE/build/nemoclaw-sandbox-exec
for tool in hyperfine bwrap node; do
	command -v "$tool" > /dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
# Not under /tmp: the plan gives the sandbox a private /tmp.
mkdir -p "$HERE/build"
WORK=$(mktemp -d "$HERE/build/bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/project/.git/hooks" "$WORK/home/.ssh" "$WORK/home/.aws"
touch "$WORK/project/.git/config"
touch "$WORK/home/.bashrc"
cat > "$WORK/plan.json" <<EOF
{"version":1,"command":{"argv":["true"],"cwd":"$WORK/project"},
 "env":{"PATH":"/usr/local/bin:/usr/bin:/bin","HOME":"$WORK/home","LANG":"C.UTF-8","TERM":"xterm"},
 "namespaces":{"user":true,"mount":true,"pid":true,"net":true,"ipc":true,"uts":true,"cgroup":true},
 "hostname":"nemoclaw",
 "filesystem":{"proc":true,"private_tmp":true,"deny":["$WORK/home/.ssh","$WORK/home/.aws","$WORK/home/.bashrc"],
   "read_only_binds":["$WORK/project/.git/hooks","$WORK/project/.git/config"],"read_only_root":true,
   "writable":["$WORK/project","$WORK/project/.git"],"no_exec":["/tmp"],"placeholders":["$WORK/project/.vscode"]},
 "landlock":{"compatibility":"best_effort",
   "paths":[{"path":"/usr","access":["read","execute"]},{"path":"/lib","access":["read","execute"]},
            {"path":"/lib64","access":["read","execute"]},{"path":"/bin","access":["read","execute"]},
            {"path":"/etc","access":["read","execute"]},{"path":"/tmp","access":["read","write","execute"]},
            {"path":"$WORK/project","access":["read","write","execute"]}],
   "net":{"connect_tcp":[],"bind_tcp":[]},"scope":{"signal":true,"abstract_unix_socket":true},"log":true},
 "rlimits":{"core":0,"nofile":1024,"nproc":512},"wall_seconds":0,
 "seccomp":{"profile":"default","allow":[],"deny":[],"allow_unix_sockets":false},
 "keep_fds":[],"bridge":null,"pty":false,"abi_override":null,"verbose":false}
EOF
"$LAUNCHER" --plan-file "$WORK/plan.json" 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }

hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/result.json" \
	-n nemoclaw-sandbox-exec "$LAUNCHER --plan-file $WORK/plan.json" \
	-n bwrap "bwrap --ro-bind / / --unshare-all true" \
	-n true "true" > /dev/null

# CPU of every process of a run (hyperfine's user/system leave out the PID 1s neither launcher waits for).
${CC:-cc} -O2 -o "$WORK/cpu-time" "$HERE/tests/cpu-time.c"
CPU_RUNS=$(( RUNS < 100 ? RUNS : 100 ))
CPU_OURS=$("$WORK/cpu-time" "$CPU_RUNS" "$LAUNCHER" --plan-file "$WORK/plan.json")
CPU_PEER=$("$WORK/cpu-time" "$CPU_RUNS" bwrap --ro-bind / / --unshare-all true)

KERNEL=$(uname -r)
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
CORES=$(nproc)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
ABI=$("$LAUNCHER" --probe | sed -n 's/.*"landlock_abi":\([0-9]*\).*/\1/p')
BWRAP=$(bwrap --version)
DATE=$(date -u +%Y-%m-%dT%H:%MZ)
CPU_OURS="$CPU_OURS" CPU_PEER="$CPU_PEER" CPU_RUNS="$CPU_RUNS" RESULT="$WORK/result.json" DATE="$DATE" KERNEL="$KERNEL" CPU="$CPU" CORES="$CORES" LOAD="$LOAD" ABI="$ABI" \
	BWRAP="$BWRAP" RUNS="$RUNS" WHO="$(id -un)" OUT="$HERE/BENCHMARKS.md" node --input-type=module -e '
import { readFileSync, writeFileSync } from "node:fs";
const env = process.env;
const results = JSON.parse(readFileSync(env.RESULT, "utf8")).results;
const byName = Object.fromEntries(results.map((r) => [r.command, r]));
const ms = (s) => (s * 1000).toFixed(2);
const ours = byName["nemoclaw-sandbox-exec"], peer = byName.bwrap;
const ratio = (ours.median / peer.median).toFixed(2);
const [oursUser, oursSystem] = env.CPU_OURS.split(" ").map(Number);
const [peerUser, peerSystem] = env.CPU_PEER.split(" ").map(Number);
const cpuRatio = ((oursUser + oursSystem) / (peerUser + peerSystem)).toFixed(2);
const rows = results.map((r) => `| ${r.command} | ${ms(r.median)} | ${ms(r.mean)} ± ${ms(r.stddev)} | ${ms(r.min)} | ${ms(r.user)} | ${ms(r.system)} |`);
const text = `# nemoclaw-sandbox-exec benchmarks

Produced by \`native/bench.sh\` (hyperfine, ${env.RUNS} runs each after 20 warm-ups, \`-N\`: no shell).
\`true\` under the launcher with a default-like plan (all seven namespaces, read-only root with the
project and its pinned .git bound back, fresh /proc, private noexec /tmp, two read-only binds, one
placeholder, three deny masks, Landlock filesystem + TCP + scoping + logging, default seccomp
profile, rlimits; run as ${env.WHO}, so ${env.WHO === "root" ? "with" : "without"} the pids cgroup for nproc)
versus bubblewrap with \`--ro-bind / / --unshare-all\` (namespaces and mounts only: no Landlock, no
seccomp) in the same run. Target: ratio of medians <= 1.0.

- Date: ${env.DATE}
- Machine: ${env.CPU}, ${env.CORES} cores, kernel ${env.KERNEL}, Landlock ABI ${env.ABI}
- Peer: ${env.BWRAP}
- Load average during the run: ${env.LOAD} (the machine is shared; wall times are noisy, CPU times less so)

| command | median (ms) | mean ± σ (ms) | min (ms) | user (ms) | system (ms) |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

**Ratio of medians (launcher / bwrap): ${ratio}** — CPU time (user + system) ratio: ${cpuRatio}.

CPU time of every process of a run (\`tests/cpu-time.c\`, a child subreaper, ${env.CPU_RUNS} runs each;
the user and system columns of hyperfine count only the processes their parent waited for, and neither
launcher waits for its PID 1): nemoclaw-sandbox-exec ${oursUser.toFixed(2)} ms user + ${oursSystem.toFixed(2)} ms system,
bwrap ${peerUser.toFixed(2)} ms user + ${peerSystem.toFixed(2)} ms system.
`;
writeFileSync(env.OUT, text);
console.log(text);
'
