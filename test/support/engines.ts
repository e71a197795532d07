// The three engines the browser suites run in, where their binaries are, and how Playwright launches the two it
// drives. Node-side only (vitest config, global setup, e2e tests, benchmarks).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

declare module 'vitest' {
  interface ProvidedContext {
    /** The engine a project's tests run in. */
    engine: Engine;
    /** The address of the WebKitWebDriver that the global setup started, in WebKit projects. */
    webdriver: string;
  }
}

interface Binary {
  /** What it is, for the message when it is missing. */
  what: string;
  /** The environment variable that overrides the path. */
  env: string;
  candidates: () => (string | undefined)[];
  /** The Debian package that installs it. */
  apt: string;
}

const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';

const BINARIES = {
  chromium: {
    what: 'Chromium',
    env: 'CHROMIUM_PATH',
    candidates: () => [playwrightChromium(), '/usr/bin/chromium', '/usr/bin/chromium-browser'],
    apt: 'chromium',
  },
  firefox: { what: 'Firefox', env: 'FIREFOX_PATH', candidates: () => ['/usr/bin/firefox-esr', '/usr/bin/firefox'], apt: 'firefox-esr' },
  webkitDriver: {
    what: 'WebKitWebDriver',
    env: 'WEBKIT_DRIVER_PATH',
    candidates: () => ['/usr/bin/WebKitWebDriver'],
    apt: 'webkit2gtk-driver',
  },
  miniBrowser: {
    what: "WebKitGTK's MiniBrowser",
    env: 'WEBKIT_PATH',
    candidates: () => [`/usr/lib/${triplet}/webkit2gtk-4.1/MiniBrowser`, `/usr/lib/${triplet}/webkit2gtk-4.0/MiniBrowser`],
    apt: 'webkit2gtk-driver',
  },
  xvfb: { what: 'Xvfb (WebKit has no headless mode)', env: 'XVFB_PATH', candidates: () => ['/usr/bin/Xvfb'], apt: 'xvfb' },
} satisfies Record<string, Binary>;

type BinaryName = keyof typeof BINARIES;

/** What each engine needs on the machine. */
const NEEDS: Record<Engine, BinaryName[]> = {
  chromium: ['chromium'],
  firefox: ['firefox'],
  webkit: ['webkitDriver', 'miniBrowser', 'xvfb'],
};

/** The binary's path: its environment variable when set (and then only that), else the first candidate present. */
function findBinary(name: BinaryName): string | undefined {
  const binary: Binary = BINARIES[name];
  const override = process.env[binary.env];
  if (override) return existsSync(override) ? override : undefined;
  return binary.candidates().find((path): path is string => !!path && existsSync(path));
}

export function requireBinary(name: BinaryName): string {
  const found = findBinary(name);
  if (found) return found;
  const binary: Binary = BINARIES[name];
  const override = process.env[binary.env];
  const looked = override ? `$${binary.env} (${override})` : [`$${binary.env}`, ...binary.candidates().filter(Boolean)].join(', ');
  throw new Error(
    `${binary.what} is missing, and the browser tests need it: looked in ${looked}. ` +
      `On Debian: apt-get update && apt-get install -y ${binary.apt} (or set ${binary.env}).`,
  );
}

/** Throws, naming the binary and its package, unless everything `engine` needs is installed. */
export function requireEngine(engine: Engine): void {
  for (const name of NEEDS[engine]) requireBinary(name);
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Playwright's launch options for Chromium or Firefox. A missing binary is left for `requireEngine` to report,
 * so that the config of the projects loads on a machine without it.
 */
export function launchOptions(engine: 'chromium' | 'firefox'): LaunchOptions {
  if (engine === 'chromium') return { executablePath: findBinary('chromium'), args: CHROMIUM_ARGS, headless: true };
  // Firefox as it ships, driven over WebDriver BiDi rather than through Playwright's patched build.
  return { channel: 'moz-firefox', executablePath: findBinary('firefox'), headless: true };
}

/** Chromium through Playwright, for the benchmarks. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ ...launchOptions('chromium'), executablePath: requireBinary('chromium') });
}

function playwrightChromium(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
