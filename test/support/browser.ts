// Debian's Chromium driven by playwright-core (never a downloaded browser), and screenshots for people to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from './run-pogo.ts';

/** Chromium of the Debian package (scripts/setup.sh installs it). */
export const CHROMIUM = process.env.POGO_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium that talks to nothing but the server under test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Where screenshots go (not committed). */
export const ARTIFACTS = join(REPO_ROOT, 'test', 'artifacts');

/** Save a full-page screenshot as test/artifacts/NAME.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
