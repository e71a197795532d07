// Vitest's webdriverio provider, pointed at the WebKitWebDriver that the global setup started.
import { WebdriverBrowserProvider, webdriverio } from '@vitest/browser-webdriverio';
import type { BrowserProviderOption } from 'vitest/node';
import { webkitCapabilities } from './webkit.js';

export function webkit(): BrowserProviderOption {
  const base = webdriverio();
  return {
    ...base,
    providerFactory(project) {
      const driver = new URL(project.getProvidedContext().webdriver);
      // WebKitWebDriver speaks classic WebDriver only, and names its browser MiniBrowser rather than safari.
      const capabilities = { ...webkitCapabilities(), 'wdio:enforceWebDriverClassic': true };
      const provider = new WebdriverBrowserProvider(project, {
        hostname: driver.hostname,
        port: Number(driver.port),
        path: '/',
        logLevel: 'silent',
        capabilities,
      });
      return Object.assign(provider, { buildCapabilities: () => capabilities });
    },
  };
}
