// What a running SSH lab is (the Lab handle), the options that start one, and where its files live.
import { join } from 'node:path';

/** Most hosts one lab may name. */
export const LAB_MAX_HOSTS = 100_000;

/** Options of `startLab`. */
export interface StartLabOptions {
  /** How many host names (`lab-0001` …) the lab serves; 1 to {@link LAB_MAX_HOSTS}. */
  readonly hosts: number;
  /** Absolute or relative directory for the lab's files; created when missing. */
  readonly dir: string;
  /** Port on 127.0.0.1; default a free high port chosen by the kernel. */
  readonly port?: number;
  /** Login user; default `pogolab` when root (created on first use), else the current user. */
  readonly user?: string;
  /** Run sshd in its own process group with output to DIR/sshd.log, so the caller may exit. */
  readonly detached?: boolean;
}

/** A running lab: one private sshd on loopback that every host name reaches, and the files that describe it. */
export interface Lab {
  /** Absolute directory of the lab's files. */
  readonly dir: string;
  /** Port sshd listens on (127.0.0.1). */
  readonly port: number;
  /** Host names, `lab-0001` … in order. */
  readonly hosts: readonly string[];
  /** The user every host logs in as. */
  readonly user: string;
  /** Client private key (ed25519, no passphrase) authorised for `user`. */
  readonly keyFile: string;
  /** known_hosts with one entry per host name. */
  readonly knownHosts: string;
  /** ssh_config for `ssh -F`: one entry per host name. */
  readonly sshConfig: string;
  /** Pogo config (`tag: lab: …`). */
  readonly configFile: string;
  /** Host names, one a line. */
  readonly hostsFile: string;
  /** Ansible inventory (group `lab`). */
  readonly inventory: string;
  /** `user`'s password (0600), also the sudo password; only when the lab runs as root. */
  readonly passwordFile?: string;
  /** sshd's process id. */
  readonly pid: number;
  /** Stop sshd and wait for it to exit (idempotent). The files stay. */
  readonly stop: () => Promise<void>;
}

/** The files of a lab directory. */
export interface LabPaths {
  readonly dir: string;
  readonly sshdConfig: string;
  readonly hostKey: string;
  readonly clientKey: string;
  readonly authorizedKeys: string;
  readonly knownHosts: string;
  readonly sshConfig: string;
  readonly configFile: string;
  readonly hostsFile: string;
  readonly inventory: string;
  readonly password: string;
  readonly pidFile: string;
  readonly sshdPidFile: string;
  readonly log: string;
}

/** Where each file of the lab in `dir` (absolute) lives. */
export function labPaths(dir: string): LabPaths {
  const at = (name: string): string => join(dir, name);
  return {
    dir,
    sshdConfig: at('sshd_config'),
    hostKey: at('ssh_host_ed25519_key'),
    clientKey: at('id_ed25519'),
    authorizedKeys: at('authorized_keys'),
    knownHosts: at('known_hosts'),
    sshConfig: at('ssh_config'),
    configFile: at('pogo.yaml'),
    hostsFile: at('hosts'),
    inventory: at('inventory.ini'),
    password: at('password'),
    pidFile: at('pid'),
    sshdPidFile: at('sshd.pid'),
    log: at('sshd.log'),
  };
}
