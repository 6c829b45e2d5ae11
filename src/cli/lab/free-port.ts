// A free TCP port on 127.0.0.1, chosen by the kernel (bind port 0, read it, let go).
import { createServer } from 'node:net';

/**
 * A port nothing listens on right now. Another process may take it before sshd binds it, so the
 * caller retries on "Address already in use".
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from the kernel'))));
    });
  });
}
