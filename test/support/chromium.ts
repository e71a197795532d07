// Finds a Chromium to test and benchmark in: $CHROMIUM_PATH, then a Playwright-managed Chromium, then
// Debian's. Node-side only (vitest config, e2e tests, benchmarks).
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, playwrightChromium(), '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) {
    throw new Error(
      'No Chromium found for the browser tests. Set CHROMIUM_PATH, install a Playwright Chromium, ' +
        'or on Debian run: apt-get update && apt-get install -y chromium',
    );
  }
  return found;
}

export function launchOptions(): LaunchOptions {
  return { executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true };
}

function playwrightChromium(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
