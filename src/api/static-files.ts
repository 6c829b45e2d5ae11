// Serves the web UI's built files for GETs outside /v1 (unknown paths without an extension get index.html).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './errors.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** A not-found handler that serves files under `webRoot` (never above it) and answers API_NOT_FOUND otherwise. */
export function serveWebRoot(webRoot: string) {
  const root = path.resolve(webRoot);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<Buffer> => {
    if (request.method !== 'GET' || /^\/v1(\/|$|\?)/.test(request.url)) notFound(request);
    const file = await findFile(root, request.url);
    if (file === undefined) notFound(request);
    void reply.type(TYPES[path.extname(file)] ?? 'application/octet-stream');
    return readFile(file);
  };
}

async function findFile(root: string, url: string): Promise<string | undefined> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  const candidate = path.join(root, pathname);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined;
  if (await isFile(candidate)) return candidate;
  // Client-side routes (`/jobs/abc`) get the app; missing assets (`/x.js`) stay 404.
  const index = path.join(root, 'index.html');
  return path.extname(pathname) === '' && (await isFile(index)) ? index : undefined;
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
