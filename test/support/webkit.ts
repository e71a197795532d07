// Starts WebKitGTK for the tests: an X server of its own (WebKitGTK has no headless mode) and a WebKitWebDriver
// on it, which starts a MiniBrowser for each session. Node-side only (global setup).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Readable } from 'node:stream';
import { requireBinary } from './engines.js';

export interface WebKitDriver {
  /** The driver's address, e.g. http://127.0.0.1:4444 */
  url: string;
  stop(): Promise<void>;
}

/** The capabilities of a new session: MiniBrowser in automation mode, which gives each session fresh storage. */
export function webkitCapabilities(): Record<string, unknown> {
  return {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: requireBinary('miniBrowser'), args: ['--automation'] },
  };
}

export async function startWebKitDriver(): Promise<WebKitDriver> {
  const driverPath = requireBinary('webkitDriver');
  const xvfb = spawn(requireBinary('xvfb'), ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let driver: ChildProcess | undefined;
  try {
    // Xvfb picks a free display and writes its number to fd 3 once it accepts connections.
    const display = (await firstLine(xvfb, xvfb.stdio[3] as Readable, 'Xvfb')).trim();
    const port = await freePort();
    // WebKitGTK takes the page's language from the locale; under LANG=C it is 'C', which Intl rejects.
    const { LC_ALL: _all, ...env } = process.env;
    driver = spawn(driverPath, [`--port=${port}`], {
      env: { ...env, DISPLAY: `:${display}`, LANG: 'en_US.UTF-8', LANGUAGE: 'en_US' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const url = `http://127.0.0.1:${port}`;
    await whenReady(url, driver);
    const started = driver;
    return {
      url,
      async stop() {
        await stopProcess(started);
        await stopProcess(xvfb);
      },
    };
  } catch (error) {
    if (driver) await stopProcess(driver);
    await stopProcess(xvfb);
    throw error;
  }
}

function firstLine(child: ChildProcess, stream: Readable, name: string): Promise<string> {
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready: ${errors.trim()}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits until the driver answers its status endpoint; it takes a moment to bind its port. */
async function whenReady(url: string, driver: ChildProcess): Promise<void> {
  let errors = '';
  driver.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  let exited = false;
  driver.once('exit', () => (exited = true));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !exited) {
    const ready = await fetch(`${url}/status`).then(
      async (response) => ((await response.json()) as { value?: { ready?: boolean } }).value?.ready === true,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`WebKitWebDriver did not start on ${url}: ${errors.trim() || (exited ? 'it exited' : 'no answer in 20 s')}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  await exited;
}
