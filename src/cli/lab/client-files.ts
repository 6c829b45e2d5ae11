// Text of the files clients use to reach the lab: ssh_config, known_hosts, the hosts list and the Ansible inventory.
import type { LabPaths } from './lab.ts';

/** What the client files need to know about a lab. */
export interface ClientFileInput {
  readonly paths: LabPaths;
  readonly hosts: readonly string[];
  readonly port: number;
  readonly user: string;
}

/**
 * ssh_config for `ssh -F`: a two-line block per host gives it its own HostKeyAlias (ssh expands no
 * tokens there), and one `Host lab-*` block carries everything the hosts share. ssh takes the first
 * value it reads for each option, so the per-host blocks come first. One full block per host would
 * be ten times longer, and every ssh run parses the whole file.
 */
export function renderSshConfig({ paths, hosts, port, user }: ClientFileInput): string {
  const lines = [
    `# SSH lab in ${paths.dir}: every host is sshd on 127.0.0.1:${port}. Use: ssh -F ${paths.sshConfig} HOST`,
  ];
  for (const host of hosts) lines.push(`Host ${host}`, `  HostKeyAlias ${host}`);
  lines.push(
    'Host lab-*',
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    `  User ${user}`,
    `  IdentityFile ${paths.clientKey}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${paths.knownHosts}`,
    '  StrictHostKeyChecking yes',
    '  SendEnv POGO_*',
    '  LogLevel ERROR',
  );
  return lines.join('\n') + '\n';
}

/** known_hosts: one line per host name with the lab's host key (`type base64`, no comment). */
export function renderKnownHosts(hosts: readonly string[], hostPublicKey: string): string {
  const [type, key] = hostPublicKey.trim().split(/\s+/);
  return hosts.map((h) => `${h} ${type ?? ''} ${key ?? ''}\n`).join('');
}

/** One host name a line (for `pdsh -w ^FILE`, `xargs`, `--targets @FILE`). */
export function renderHostsFile(hosts: readonly string[]): string {
  return hosts.map((h) => `${h}\n`).join('');
}

/**
 * Ansible inventory: group `lab`, reached through the lab's ssh_config. Port and user are given too,
 * so each host's ControlPath (a hash of host, port and user) is its own and tools that read the
 * inventory without ssh_config still find the lab.
 */
export function renderInventory({ paths, hosts, port, user }: ClientFileInput): string {
  return [
    `# Ansible inventory of the SSH lab in ${paths.dir}. Use: ansible -i ${paths.inventory} lab -m raw -a true`,
    '[lab]',
    ...hosts,
    '',
    '[lab:vars]',
    `ansible_port=${port}`,
    `ansible_user=${user}`,
    `ansible_ssh_private_key_file=${paths.clientKey}`,
    `ansible_ssh_common_args='-F ${paths.sshConfig}'`,
    'ansible_python_interpreter=auto_silent',
    '',
  ].join('\n');
}
