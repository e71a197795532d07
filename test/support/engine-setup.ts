// Global setup of each engine's projects: fails the run, naming the binary and its Debian package, when the
// engine is not installed; for WebKit, starts the X server and WebKitWebDriver, and stops them afterwards.
import type { TestProject } from 'vitest/node';
import { requireEngine } from './engines.js';
import { startWebKitDriver } from './webkit.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const { engine } = project.getProvidedContext();
  requireEngine(engine);
  if (engine !== 'webkit') return undefined;
  const driver = await startWebKitDriver();
  project.provide('webdriver', driver.url);
  return async () => {
    // Vitest closes browser providers after the global teardown: end the session while its driver still runs.
    await project.browser?.provider.close();
    await driver.stop();
  };
}
