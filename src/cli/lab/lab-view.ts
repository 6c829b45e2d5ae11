// What `pogo lab up` prints: where every file is and commands to try, or the Lab's fields as JSON.
import type { Lab } from './lab.ts';

/** The Lab's fields without `stop` (what `--json` prints). */
export type LabJson = Omit<Lab, 'stop'>;

/** The Lab as plain data. */
export function labJson(lab: Lab): LabJson {
  const { stop: _stop, ...fields } = lab;
  return fields;
}

/** A short description of a lab for people: the files, the login, commands to try and how to stop it. */
export function renderLabSummary(lab: Lab): string {
  const first = lab.hosts[0] ?? '';
  const last = lab.hosts.at(-1) ?? '';
  const names = lab.hosts.length === 1 ? first : `${first} … ${last}`;
  const login = lab.passwordFile
    ? `${lab.user} (password in ${lab.passwordFile}; sudo asks for it)`
    : `${lab.user} (not started as root: no lab user, no password, no sudo)`;
  const rows: [string, string][] = [
    ['hosts', `${names} (${lab.hosts.length}), all 127.0.0.1:${lab.port}`],
    ['login', login],
    ['sshd', `pid ${lab.pid}, log ${lab.dir}/sshd.log`],
    ['ssh config', lab.sshConfig],
    ['known hosts', lab.knownHosts],
    ['client key', lab.keyFile],
    ['pogo config', lab.configFile],
    ['host list', lab.hostsFile],
    ['inventory', lab.inventory],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `SSH lab running in ${lab.dir}`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'Try:',
    `  ssh -F ${lab.sshConfig} ${first} hostname`,
    `  pogo schedule ${lab.configFile}`,
    `  PDSH_SSH_ARGS_APPEND='-F ${lab.sshConfig}' pdsh -R ssh -w ^${lab.hostsFile} true`,
    `  ansible -i ${lab.inventory} lab -m raw -a true`,
    '',
    `Stop it: pogo lab down --dir ${lab.dir}`,
    '',
  ].join('\n');
}
