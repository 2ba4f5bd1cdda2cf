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

const preambleShape = /^NEMOCLAW-PEER pid=(\d{1,10}) exe=(\S+) uid=(\d{1,10})\r?$/u;

/**
 * Parses the bridge's first line, `NEMOCLAW-PEER pid=<pid> exe=<path or -> uid=<uid>` (without its
 * `\n`). The bridge percent-encodes the exe path (bytes outside 0x21-0x7e and `%`), so a file name
 * chosen inside the sandbox cannot forge fields; it is decoded here. A path that does not decode,
 * is not absolute, or ends in ` (deleted)` (the file was replaced or removed after exec) counts as
 * unknown, so policies with `binaries` deny it.
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
  let decoded: string | null = null;
  if (exeText !== '-' && /^(?:[^%]|%[0-9A-Fa-f]{2})+$/u.test(exeText)) {
    try {
      decoded = decodeURIComponent(exeText);
    } catch {
      decoded = null; // not UTF-8: keep it unknown rather than guess
    }
  }
  const exe = decoded === null || !decoded.startsWith('/') || decoded.endsWith(' (deleted)') ? null : decoded;
  return { ok: true, value: { pid, exe, uid } };
}
