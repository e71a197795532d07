import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectConfiguration } from 'vitest/config';
import { ISOLATION_HEADERS } from './demo/isolation.js';
import { ENGINES, launchOptions, type Engine } from './test/support/engines.js';
import { webkit } from './test/support/webkit-provider.js';

// Three suites: pure code in Node; code that needs a worker or browser storage in each engine (vitest browser
// mode); and whole pages driven from Node against a Vite server each test starts, in each engine.
// TABCACHE_ENGINES=chromium,firefox runs the browser suites in those engines only.
const engines = process.env.TABCACHE_ENGINES ? (process.env.TABCACHE_ENGINES.split(',') as Engine[]) : ENGINES;
const unknown = engines.filter((engine) => !ENGINES.includes(engine));
if (unknown.length > 0) throw new Error(`TABCACHE_ENGINES names ${unknown.join(', ')}; the engines are ${ENGINES.join(', ')}`);

// Vitest's names; its webdriverio provider calls WebKit 'safari' (test/support/webkit-provider.ts).
const BROWSER_NAMES = { chromium: 'chromium', firefox: 'firefox', webkit: 'safari' } as const;

function provider(engine: Engine) {
  return engine === 'webkit' ? webkit() : playwright({ launchOptions: launchOptions(engine) });
}

// One browser at a time (the unit tests aside): on two cores, browsers run side by side starve each other, and
// the e2e tests time what pages see of each other. Vitest runs the groups in turn.
const engineProjects = (engine: Engine, index: number): TestProjectConfiguration[] => [
  {
    // Vitest's own pages take these, not a plugin's (demo/isolation.ts).
    server: { headers: ISOLATION_HEADERS },
    test: {
      name: `browser-${engine}`,
      include: ['test/browser/**/*.test.ts'],
      testTimeout: 20_000,
      globalSetup: ['test/support/engine-setup.ts'],
      provide: { engine },
      sequence: { groupOrder: 2 * index },
      browser: {
        enabled: true,
        // WebKitGTK has no headless mode: it runs on the global setup's own X server.
        headless: engine !== 'webkit',
        provider: provider(engine),
        instances: [{ browser: BROWSER_NAMES[engine], name: `browser (${engine})` }],
        screenshotFailures: false,
      },
    },
  },
  {
    test: {
      name: `e2e (${engine})`,
      include: ['test/e2e/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      fileParallelism: false,
      globalSetup: ['test/support/engine-setup.ts'],
      provide: { engine },
      sequence: { groupOrder: 2 * index + 1 },
      // Pages start workers and open IndexedDB; on a loaded machine that takes seconds, not milliseconds.
      expect: { poll: { timeout: 10_000 } },
    },
  },
];

export default defineConfig({
  test: {
    // The JSON report lets CI print one closing line of counts.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } } },
      ...engines.flatMap((engine) => engineProjects(engine, ENGINES.indexOf(engine))),
    ],
  },
});
