import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium-config.mjs';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** Debian's Chromium, headless, started the way these machines allow. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
