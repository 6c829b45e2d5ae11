// SSH user authentication for ssh2: key files, then the agent, then the password (and keyboard-interactive).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType, ParsedKey } from 'ssh2';

/** The ways Pogo may log in; a transport may allow only some (e.g. password only). */
export type AuthMethodName = 'publickey' | 'agent' | 'password';

/** Every method, in the order they are tried. */
export const AUTH_METHODS: readonly AuthMethodName[] = ['publickey', 'agent', 'password'];

/** What one login may use. */
export interface AuthPlan {
  readonly user: string;
  readonly keys: readonly ParsedKey[];
  readonly agent?: string | undefined;
  readonly password?: string | undefined;
}

/** An ssh2 auth handler and, afterwards, the methods it offered (for the error message). */
export interface AuthAttempt {
  readonly handler: AuthHandlerMiddleware;
  readonly tried: () => string[];
}

/** Try each key, then the agent, then the password (once as `password`, once as keyboard-interactive). */
export function createAuthHandler(plan: AuthPlan): AuthAttempt {
  const username = plan.user;
  const queue: { label: string; wire: AuthenticationType; method: AnyAuthMethod }[] = [];
  for (const key of plan.keys) {
    queue.push({ label: 'publickey', wire: 'publickey', method: { type: 'publickey', username, key } });
  }
  if (plan.agent !== undefined) {
    queue.push({ label: 'agent', wire: 'publickey', method: { type: 'agent', username, agent: plan.agent } });
  }
  const { password } = plan;
  if (password !== undefined) {
    queue.push({ label: 'password', wire: 'password', method: { type: 'password', username, password } });
    queue.push({
      label: 'keyboard-interactive',
      wire: 'keyboard-interactive',
      method: {
        type: 'keyboard-interactive',
        username,
        // Answer password-like prompts only; one round (a second round means the password was wrong).
        prompt: (_name, _instructions, _lang, prompts, finish) =>
          finish(prompts.map((p) => (/password|passcode/i.test(p.prompt) ? password : ''))),
      },
    });
  }
  const tried = new Set<string>();
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      // ssh2 passes null before the first attempt, when the server's list is not known yet.
      if ((methodsLeft as AuthenticationType[] | null) === null || methodsLeft.includes(item.wire)) {
        tried.add(item.label);
        next(item.method);
        return;
      }
    }
    // ssh2 takes `false` for "no more methods"; its types leave that out.
    next(false as unknown as AuthenticationType);
  };
  return { handler, tried: () => [...tried] };
}

/** The key files OpenSSH tries when none is configured. */
export function defaultIdentityFiles(home = homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f));
}

/** Reads and parses private key files once; missing, unreadable and passphrase-protected keys are skipped. */
export class IdentityCache {
  private readonly keys = new Map<string, Promise<ParsedKey | undefined>>();

  /** The usable keys among `files`, in order. */
  async load(files: readonly string[]): Promise<ParsedKey[]> {
    const loaded = await Promise.all(files.map((f) => this.loadOne(f)));
    return loaded.filter((k): k is ParsedKey => k !== undefined);
  }

  private loadOne(file: string): Promise<ParsedKey | undefined> {
    let key = this.keys.get(file);
    if (key === undefined) {
      key = readFile(file).then(
        (data) => {
          const parsed = ssh2.utils.parseKey(data);
          return parsed instanceof Error
            ? undefined
            : ((Array.isArray(parsed) ? parsed[0] : parsed) as ParsedKey);
        },
        () => undefined,
      );
      this.keys.set(file, key);
    }
    return key;
  }
}
