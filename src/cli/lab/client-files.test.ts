// The client files: per-host HostKeyAlias before the shared block, known_hosts per name, the inventory.
import { describe, expect, it } from 'vitest';
import { renderInventory, renderKnownHosts, renderSshConfig } from './client-files.ts';
import { labPaths } from './lab.ts';

const input = { paths: labPaths('/tmp/lab'), hosts: ['lab-0001', 'lab-0002'], port: 40000, user: 'pogolab' };

describe('lab client files', () => {
  it('ssh_config gives each host its own HostKeyAlias ahead of the shared Host lab-* block', () => {
    const text = renderSshConfig(input);
    expect(text).toContain(
      'Host lab-0001\n  HostKeyAlias lab-0001\nHost lab-0002\n  HostKeyAlias lab-0002\nHost lab-*\n',
    );
    expect(text).toContain(
      '  HostName 127.0.0.1\n  Port 40000\n  User pogolab\n  IdentityFile /tmp/lab/id_ed25519\n',
    );
    expect(text).toContain('  UserKnownHostsFile /tmp/lab/known_hosts\n  StrictHostKeyChecking yes\n');
  });

  it('known_hosts has one line per name with the key and no comment', () => {
    expect(renderKnownHosts(input.hosts, 'ssh-ed25519 AAAAkey pogo-lab-host@/tmp/lab\n')).toBe(
      'lab-0001 ssh-ed25519 AAAAkey\nlab-0002 ssh-ed25519 AAAAkey\n',
    );
  });

  it('the inventory lists the hosts in group lab and reaches them through the ssh_config', () => {
    const text = renderInventory(input);
    expect(text).toContain('[lab]\nlab-0001\nlab-0002\n\n[lab:vars]\n');
    expect(text).toContain("ansible_ssh_common_args='-F /tmp/lab/ssh_config'\n");
  });
});
