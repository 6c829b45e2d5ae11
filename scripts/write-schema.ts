// Writes schema/pogo-config.schema.json from the config's zod schema (`npm run schema`); a test keeps it in sync.
import { mkdir, writeFile } from 'node:fs/promises';
import { configJsonSchemaText } from '../src/config/index.ts';

const dir = new URL('../schema/', import.meta.url);
await mkdir(dir, { recursive: true });
await writeFile(new URL('pogo-config.schema.json', dir), configJsonSchemaText());
console.log('wrote schema/pogo-config.schema.json');
