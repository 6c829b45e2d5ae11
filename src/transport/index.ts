// How a command reaches a target: the transport contract and its implementations (ssh, openssh, local).
export type {
  ExecOptions,
  ExecResult,
  OutputChunk,
  OutputStream,
  Session,
  Target,
  Transport,
} from './types.ts';
