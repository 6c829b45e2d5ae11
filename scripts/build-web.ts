// Builds the web UI into dist/web when web/ (or src/model/) changed since the last build: `tsx scripts/build-web.ts`.
import { ensureWebBuild } from '../test/support/web-build.ts';

ensureWebBuild();
