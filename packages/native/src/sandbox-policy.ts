/**
 * The parts of a resolved `@nemoclaw/policy` policy that the kernel sandbox enforces, typed
 * structurally so any validated `Policy` (snake_case keys, as in the YAML) can be passed as is.
 * Missing sections take the strict default (hard_requirement, default seccomp profile, no
 * environment, no extra paths): the plan never grants more than the policy says.
 */
export interface SandboxPolicy {
  readonly filesystem_policy?: {
    /** Grant the workdir read+write+execute. */
    readonly include_workdir?: boolean;
    /** Paths granted read+execute. */
    readonly read_only?: readonly string[];
    /** Paths granted read+write+execute. */
    readonly read_write?: readonly string[];
    /** Paths masked in the mount namespace (empty tmpfs over directories, /dev/null over files). */
    readonly deny?: readonly string[];
    /** Paths where execute is taken away from the rights above. */
    readonly no_execute?: readonly string[];
    /** Mount an empty tmpfs on /tmp. */
    readonly private_tmp?: boolean;
  };
  readonly landlock?: {
    readonly compatibility?: 'hard_requirement' | 'best_effort';
  };
  readonly process?: {
    /** Not supported by the launcher yet: a policy that sets it is refused. */
    readonly run_as_user?: unknown;
    readonly env?: {
      /** Variable names passed through from the caller's environment (exact names). */
      readonly allow?: readonly string[];
      /** Variables set to fixed values (they win over `allow`). */
      readonly set?: Readonly<Record<string, string>>;
    };
    /**
     * `nofile`, `nproc`, `cpu_seconds`, `file_size_bytes`, `address_space_bytes`, `core_bytes`
     * (rlimits) and `wall_seconds` (0 = none).
     */
    readonly limits?: Readonly<Record<string, number | undefined>>;
  };
  readonly syscalls?: {
    readonly profile?: 'default' | 'strict';
    readonly allow?: readonly string[];
    readonly deny?: readonly string[];
    readonly allow_unix_sockets?: boolean;
  };
}
