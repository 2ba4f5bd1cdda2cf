/** The process inside the sandbox that opened a connection, as reported by the launcher's bridge. */
export interface PeerIdentity {
  /** PID inside the sandbox's PID namespace. */
  readonly pid: number;
  /** Absolute path of `/proc/<pid>/exe`, or null when the bridge could not tell (`exe=-`) or it was deleted. */
  readonly exe: string | null;
  /** UID of the process (as seen inside the sandbox). */
  readonly uid: number;
}

/** The longest preamble line accepted, newline included. */
export const maximumPreambleBytes = 4_200;

const preambleShape = /^NEMOCLAW-PEER pid=(\d{1,10}) exe=(.+) uid=(\d{1,10})\r?$/u;

/**
 * Parses the bridge's first line, `NEMOCLAW-PEER pid=<pid> exe=<path or -> uid=<uid>` (without its
 * `\n`). The exe may contain spaces; a path ending in ` (deleted)` (the file was replaced or removed
 * after exec) or not absolute counts as unknown, so policies with `binaries` deny it.
 *
 * @returns the identity, or an error message
 */
export function parsePeerPreamble(
  line: string,
): { ok: true; value: PeerIdentity } | { ok: false; error: string } {
  const match = preambleShape.exec(line);
  if (match === null) {
    return { ok: false, error: 'expected "NEMOCLAW-PEER pid=<pid> exe=<path> uid=<uid>"' };
  }
  const pid = Number(match[1]);
  const uid = Number(match[3]);
  const exeText = match[2] ?? '-';
  const exe = exeText === '-' || !exeText.startsWith('/') || exeText.endsWith(' (deleted)') ? null : exeText;
  return { ok: true, value: { pid, exe, uid } };
}
