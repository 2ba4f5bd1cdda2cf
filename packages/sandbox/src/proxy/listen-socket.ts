import { chmod, lstat, mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { SandboxError } from '../sandbox-error.js';

/** Removes a socket file nobody listens on; refuses a live socket or any other kind of file. */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw error;
  }
  if (!isSocket) {
    throw new SandboxError(
      'proxy-listen-failed',
      `${path} exists and is not a socket; refusing to replace it`,
    );
  }
  const inUse = await new Promise<boolean>((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (inUse) {
    throw new SandboxError('proxy-listen-failed', `${path} is in use by another process`);
  }
  await unlink(path);
}

/** `server.listen` as a promise. */
export function listenOn(
  server: Server,
  options: { path: string } | { port: number; host: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

/**
 * Binds the Unix socket inside a fresh 0700 directory, makes it 0600, then renames it into
 * place: no other user can connect in the window before chmod, whatever the umask.
 */
export async function listenOnUnixSocket(server: Server, path: string): Promise<void> {
  await removeStaleSocket(path);
  const temporaryDirectory = await mkdtemp(join(dirname(path), '.nemoclaw-proxy-'));
  const temporaryPath = join(temporaryDirectory, 'proxy.sock');
  try {
    await listenOn(server, { path: temporaryPath });
    await chmod(temporaryPath, 0o600);
    await rename(temporaryPath, path);
  } catch (error) {
    server.close();
    throw error;
  } finally {
    await rm(temporaryDirectory, { recursive: true, force: true });
  }
}
