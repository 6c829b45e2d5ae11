// The SSH lab: a private sshd on loopback serving lab-0001 … lab-N for demos, tests and benchmarks.
export { startLab } from './start-lab.ts';
export { stopLab } from './stop-lab.ts';
export { LAB_MAX_HOSTS, labPaths } from './lab.ts';
export type { Lab, LabPaths, StartLabOptions } from './lab.ts';
export { labHostName, labHostNames } from './host-names.ts';
export { LAB_USER } from './lab-user.ts';
export { labJson } from './lab-view.ts';
export type { LabJson } from './lab-view.ts';
export { registerLab } from './lab-command.ts';
export type { UsageOverride } from './lab-command.ts';
