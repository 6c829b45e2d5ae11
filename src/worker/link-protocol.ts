// The worker link (ARCHITECTURE.md §7): JSON messages between a worker and a dispatcher, validated at the edge.
import { z } from 'zod';
import { HOST_OUTCOMES } from '../model/index.ts';

/** Bumped on any incompatible change; both sides refuse a peer with another version (2: `connect` in `task`). */
export const LINK_PROTOCOL_VERSION = 2;

/** A task is one attempt at one host of one job; (job, host, attempt) is its identity everywhere. */
const taskKey = {
  job: z.string().min(1).max(200),
  host: z.string().min(1).max(1000),
  attempt: z.number().int().min(1),
};
export type TaskKey = { readonly job: string; readonly host: string; readonly attempt: number };

/** The task template as it crosses the wire (see TaskSpec in model/records.ts). */
export const taskSpecSchema = z.strictObject({
  command: z.string().max(1_000_000),
  file: z
    .strictObject({
      name: z.string().min(1).max(255),
      contentBase64: z.string().max(64 * 1024 * 1024),
      args: z.array(z.string()),
    })
    .optional(),
  runAs: z.string().min(1).max(64).optional(),
  hooks: z.strictObject({
    pre: z.boolean(),
    post: z.boolean(),
    preDir: z.string(),
    postDir: z.string(),
    inlinePre: z.array(z.string()),
    inlinePost: z.array(z.string()),
  }),
  timeoutMs: z.number().int().positive(),
  retries: z.number().int().min(0).max(100),
  retryDelayMs: z.number().int().min(0),
  outputCapBytes: z.number().int().positive(),
});

// ---- worker → dispatcher -------------------------------------------------------------------------

/** What the worker holds for a task when it (re)connects. */
const heldTaskSchema = z.strictObject({
  ...taskKey,
  /** `running`: still running; `finished`: its result waits for an ack and is resent right after `welcome`. */
  state: z.enum(['running', 'finished']),
});

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.number().int(),
  /** Stable name (host name by default) and a random id of this worker process. */
  name: z.string().min(1).max(200),
  instance: z.string().min(8).max(64),
  capacity: z.number().int().min(1).max(100_000),
  version: z.string().max(50),
  tasks: z.array(heldTaskSchema).max(200_000),
});

export const outputSchema = z.strictObject({
  type: z.literal('output'),
  ...taskKey,
  /** Per task attempt, from 0, no gaps. */
  seq: z.number().int().min(0),
  t: z.number(),
  stream: z.enum(['stdout', 'stderr', 'pogo']),
  source: z.string().max(300),
  /** The bytes, base64 (output is binary-safe). */
  data: z.string().max(2 * 1024 * 1024),
});

export const resultSchema = z.strictObject({
  type: z.literal('result'),
  ...taskKey,
  outcome: z.enum(HOST_OUTCOMES),
  exitCode: z.number().int().nullable(),
  signal: z.string().max(50).nullable(),
  startedAt: z.number(),
  endedAt: z.number(),
  attempts: z.number().int().min(0),
  message: z.string().max(10_000),
  errorCode: z.string().max(100).optional(),
  truncated: z.boolean(),
  /** How many output chunks the task produced (seq 0 … chunks-1), so the dispatcher knows it has them all. */
  chunks: z.number().int().min(0),
});

export const workerHeartbeatSchema = z.strictObject({
  type: z.literal('heartbeat'),
  t: z.number(),
  running: z.number().int().min(0),
});

/** The worker will not run a task it was sent (it is stopping, or it is full): it never started, hand it elsewhere. */
export const refuseSchema = z.strictObject({
  type: z.literal('refuse'),
  ...taskKey,
  reason: z.enum(['stopping', 'capacity']),
});

export const workerMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  outputSchema,
  resultSchema,
  refuseSchema,
  workerHeartbeatSchema,
]);

// ---- dispatcher → worker -------------------------------------------------------------------------

export const welcomeSchema = z.strictObject({
  type: z.literal('welcome'),
  protocol: z.number().int(),
  dispatcher: z.string().min(1).max(200),
  heartbeatMs: z.number().int().positive(),
  /** Output seq already stored, per task the worker reported (resend from seq + 1); -1 when none. */
  outputAcked: z.array(z.strictObject({ ...taskKey, seq: z.number().int().min(-1) })),
});

/** Where to connect for this host when its inventory says (`ansible_host`, `_port`, `_user`). */
export const hostConnectSchema = z.strictObject({
  address: z
    .string()
    .regex(/^[^\s'"`$\\{}-][^\s'"`$\\{}]*$/)
    .max(255)
    .exactOptional(),
  port: z.number().int().min(1).max(65535).exactOptional(),
  user: z
    .string()
    .regex(/^[^\s'"`$\\{}-][^\s'"`$\\{}]*$/)
    .max(64)
    .exactOptional(),
});

export const taskSchema = z.strictObject({
  type: z.literal('task'),
  ...taskKey,
  namespace: z.string().min(1).max(200),
  spec: taskSpecSchema,
  /** The host's connection settings from the namespace's inventory; absent: connect to the host's name. */
  connect: hostConnectSchema.optional(),
  /** A password envelope for this worker (security issue); absent when the job has no password. */
  envelope: z.string().max(100_000).optional(),
});

export const cancelSchema = z.strictObject({
  type: z.literal('cancel'),
  ...taskKey,
  reason: z.enum(['killed', 'timeout', 'shutdown']),
});

/** The result is stored: the worker forgets the task. */
export const ackSchema = z.strictObject({ type: z.literal('ack'), ...taskKey });

/** Output up to `seq` is stored: the worker drops it and may send more (the backpressure window). */
export const outputAckSchema = z.strictObject({
  type: z.literal('output-ack'),
  ...taskKey,
  seq: z.number().int().min(0),
});

export const dispatcherHeartbeatSchema = z.strictObject({
  type: z.literal('heartbeat'),
  t: z.number(),
});

export const dispatcherMessageSchema = z.discriminatedUnion('type', [
  welcomeSchema,
  taskSchema,
  cancelSchema,
  ackSchema,
  outputAckSchema,
  dispatcherHeartbeatSchema,
]);

export type HelloMessage = z.infer<typeof helloSchema>;
export type OutputMessage = z.infer<typeof outputSchema>;
export type ResultMessage = z.infer<typeof resultSchema>;
export type RefuseMessage = z.infer<typeof refuseSchema>;
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
export type WelcomeMessage = z.infer<typeof welcomeSchema>;
export type TaskMessage = z.infer<typeof taskSchema>;
export type CancelMessage = z.infer<typeof cancelSchema>;
export type DispatcherMessage = z.infer<typeof dispatcherMessageSchema>;

/** `job/host#attempt`, for maps and logs. */
export function taskKeyString(k: TaskKey): string {
  return `${k.job}/${k.host}#${k.attempt}`;
}
