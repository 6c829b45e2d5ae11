// Text of the lab's private sshd_config: loopback only, its own keys and files, limits raised for many sessions.
import type { LabPaths } from './lab.ts';

/** sshd_config for the lab in `paths.dir` listening on 127.0.0.1:`port`. */
export function renderSshdConfig(paths: LabPaths, port: number): string {
  return [
    `# Private sshd of the SSH lab in ${paths.dir} (written by pogo lab; not the system's sshd).`,
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${paths.hostKey}`,
    `PidFile ${paths.sshdPidFile}`,
    `AuthorizedKeysFile ${paths.authorizedKeys}`,
    // The lab's files belong to whoever started it, not to the login user.
    'StrictModes no',
    'PubkeyAuthentication yes',
    // The login user has a password when the lab runs as root: password and sudo tests need it.
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin no',
    // Benchmarks open hundreds of connections at once; the defaults (10:30:100, 10) would refuse them.
    'MaxStartups 1000:30:2000',
    'MaxSessions 1000',
    'MaxAuthTries 10',
    'LoginGraceTime 30',
    'UseDNS no',
    'AcceptEnv POGO_*',
    'PermitUserEnvironment no',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n');
}
