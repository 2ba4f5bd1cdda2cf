import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';

/** A TCP port that accepts no connection: its listener is stopped and its accept queue is full. */
export interface HungListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a listener with a backlog of 1 in a child process, stops the process (SIGSTOP) and fills
 * the accept queue, so the kernel drops further SYNs: a connect to `port` hangs until the client's
 * connect timeout, as with a provider host that is down or firewalled.
 */
export async function startHungListener(): Promise<HungListener> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "require('net').createServer().listen({port: 0, host: '127.0.0.1', backlog: 1}, function () { console.log(this.address().port) })",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  if (child.pid === undefined) throw new Error('listener process did not start');
  process.kill(child.pid, 'SIGSTOP');
  const fillers: Socket[] = [];
  for (let index = 0; index < 2; index++) {
    const socket = connect(port, '127.0.0.1');
    fillers.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }
  return {
    port,
    async close() {
      for (const socket of fillers) socket.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
