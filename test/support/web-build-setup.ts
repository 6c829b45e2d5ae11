// vitest globalSetup: the browser tests and the server tests that serve the UI need a current dist/web.
import { ensureWebBuild } from './web-build.ts';

/** Build the UI before any test file runs (skipped when the build is newer than its sources). */
export default function setup(): void {
  ensureWebBuild();
}
