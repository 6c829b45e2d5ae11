// The resolved configuration of one namespace: hosts, tags, chains (sequences) and constraint groups.
import type { SourcePosition } from './errors.ts';
import type { LimitSpec } from './limit.ts';

/** One stage of a chain: the hosts that must all finish before the next stage starts. */
export interface ChainStage {
  /** Display label, e.g. `foo.$colo.one` or `$frontend.$colo.east` or a literal host name. */
  readonly label: string;
  /** Hosts of this stage in config order (every config host, not only a job's targets). */
  readonly hosts: readonly string[];
}

/** One ordered sequence of stages (a "thread" in the original's words). */
export interface Chain {
  /** Stable id: the sequence name (`foo`), or `thread-N` for anonymous sequences. */
  readonly id: string;
  readonly stages: readonly ChainStage[];
  readonly position?: SourcePosition | undefined;
}

/** One constraint group: at most `limit` of `hosts` out of service at once, namespace-wide. */
export interface ConstraintGroup {
  /** Stable id, unique in the namespace: the tag path (`colo.east`), or an intersection (`frontend&colo.east`). */
  readonly id: string;
  /** Display label, e.g. `$colo.east` or `$frontend ∩ $colo.east`. */
  readonly label: string;
  /** What the config wrote. */
  readonly spec: LimitSpec;
  /** `spec` resolved against the group's whole inventory (percent: floor, at least 1). */
  readonly limit: number;
  readonly hosts: readonly string[];
  readonly position?: SourcePosition | undefined;
}

/**
 * How to reach one host when it differs from its name (Ansible's `ansible_host`, `ansible_port`,
 * `ansible_user`): the host keeps its inventory name everywhere in Pogo; only the connection changes.
 */
export interface HostConnect {
  /** Address (name or IP) to connect to instead of the host's name. */
  readonly address?: string;
  readonly port?: number;
  readonly user?: string;
}

/** What a webhook is told of: a job (or flow) starting, ending each way, or waiting for a password. */
export const NOTIFY_EVENTS = ['started', 'succeeded', 'failed', 'halted', 'needs-password'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** A webhook of a namespace (`notify:` in its config) or of the server (`--notify`). */
export interface NotifyTarget {
  /** http(s) URL; may hold `{{secret:NAME}}` placeholders, filled from the server's secrets directory. */
  readonly url: string;
  /** `json`: Pogo's payload; `slack`: `{ "text": … }` for Slack-compatible incoming webhooks. */
  readonly format: 'json' | 'slack';
  /** Which events; all when the config does not say. */
  readonly on: readonly NotifyEvent[];
}

/** A namespace's configuration after parsing, tag expansion and validation. */
export interface NamespaceConfig {
  readonly namespace: string;
  /** The file (or `<inline>`) it came from. */
  readonly source: string;
  /** Every host the config names, in first-appearance order. */
  readonly hosts: readonly string[];
  /** Tag path (`colo.east`) → hosts of the tag and all its descendants, config order, no duplicates. */
  readonly tags: ReadonlyMap<string, readonly string[]>;
  /** Tag path → direct child tag paths (for per-value constraints and UI trees). */
  readonly tagChildren: ReadonlyMap<string, readonly string[]>;
  readonly chains: readonly Chain[];
  readonly groups: readonly ConstraintGroup[];
  /** Host → connection settings from inventory sources (only hosts that have some). */
  readonly connect?: ReadonlyMap<string, HostConnect>;
  /** Things the load went on despite (an inventory served from its cache because the source is down). */
  readonly warnings?: readonly string[];
  /** Webhooks told of this namespace's jobs (the `notify:` section). */
  readonly notify?: readonly NotifyTarget[];
}
