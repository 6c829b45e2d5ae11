#!/usr/bin/env node
// Launcher: in a source checkout, runs src/cli through tsx; in a published package, runs the built dist/.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('../src/cli/index.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli/index.js', import.meta.url).href);
}
await cli.main();
