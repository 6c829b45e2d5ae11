// /v1/namespaces: list, read a version, upload (raw YAML or JSON `{ text }`), validate, and preview a plan.
import type { FastifyInstance } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
import { configRunsCommands } from '../../config/index.ts';
import type { Actor } from '../../model/index.ts';
import { PogoError, hasRole } from '../../model/index.ts';
import { grantedNamespaces } from '../auth.ts';
import { addRoute } from '../route.ts';
import { namespaceParams, namespaceQuery, namespaceTextBody, planBody, targetsBody } from '../schemas.ts';

const tag = 'namespaces';
/** Content types a config may be sent as, besides JSON `{ text }`. */
const YAML_TYPES = ['application/yaml', 'text/yaml', 'text/plain'] as const;

/** Register the namespace routes. */
export function registerNamespaceRoutes(app: FastifyInstance, service: PogoService): void {
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/namespaces',
    role: 'viewer',
    scope: 'any',
    tag,
    summary: 'Every namespace with its newest config version',
    returns: '`{ items: NamespaceVersion[] }`',
    handler: async ({ actor }) => {
      const { all, namespaces } = grantedNamespaces(actor, 'viewer');
      const items = await service.listNamespaces();
      return { items: all ? items : items.filter((v) => namespaces.includes(v.namespace)) };
    },
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/namespaces/:ns',
    role: 'viewer',
    scope: { param: 'ns' },
    tag,
    summary: "A namespace's config: the newest version, or `?version=N`",
    returns: 'NamespaceVersion',
    params: namespaceParams,
    query: namespaceQuery,
    handler: ({ params, query }) => service.getNamespace(params.ns, query.version),
  });
  addRoute(app, service, {
    method: 'PUT',
    url: '/v1/namespaces/:ns',
    role: 'admin',
    scope: { param: 'ns' },
    tag,
    summary: "Upload a new version of a namespace's config (checked first; the text is kept verbatim)",
    returns: 'The stored version (NamespaceVersion)',
    status: 201,
    params: namespaceParams,
    body: namespaceTextBody,
    consumes: YAML_TYPES,
    handler: ({ params, body, actor }) =>
      service.putNamespace(params.ns, trustedText(body, actor, 'push'), actor),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/namespaces/:ns/validate',
    role: 'admin',
    scope: { param: 'ns' },
    tag,
    summary: 'Check a config without storing it',
    returns:
      'NamespaceCheck: `{ ok: true, hosts, tags, groups, chains }` or `{ ok: false, code, message, line?, column? }`',
    params: namespaceParams,
    body: namespaceTextBody,
    consumes: YAML_TYPES,
    handler: ({ params, body, actor }) =>
      service.checkNamespace(params.ns, trustedText(body, actor, 'validate')),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/namespaces/:ns/plan',
    role: 'viewer',
    scope: { param: 'ns' },
    tag,
    summary: 'The plan for targets under the namespace config, as `pogo schedule` shows it',
    returns: 'PlanPreview',
    params: namespaceParams,
    body: planBody,
    handler: ({ params, body: { targets, ...options } }) => service.previewPlan(params.ns, targets, options),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/namespaces/:ns/tags',
    role: 'viewer',
    scope: { param: 'ns' },
    tag,
    summary: "The tags of the namespace's newest config with their host counts (shell completion)",
    returns: 'TagList: `{ namespace, configVersion, tags: [{ name, hosts }] }`',
    params: namespaceParams,
    handler: ({ params }) => service.listTags(params.ns),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/namespaces/:ns/targets',
    role: 'viewer',
    scope: { param: 'ns' },
    tag,
    summary:
      'The hosts a target expression names under the namespace config, in order (`pogo targets -n NS`)',
    returns: 'TargetsPreview: `{ namespace, configVersion, hosts, warnings? }`',
    params: namespaceParams,
    body: targetsBody,
    handler: ({ params, body }) => service.resolveNamespaceTargets(params.ns, body.targets),
  });
}

function textOf(body: string | { readonly text: string }): string {
  return typeof body === 'string' ? body : body.text;
}

/**
 * The config text, once the caller may have the server load it: loading a config runs its `command …` tag
 * sources, reads its `ansible …` files and fetches its `http …` URLs on the server, as the server's user, so
 * such a config needs admin on every namespace (`*`).
 */
function trustedText(body: string | { readonly text: string }, actor: Actor, verb: string): string {
  const text = textOf(body);
  if (configRunsCommands(text) && !hasRole(actor, 'admin', '*')) {
    throw new PogoError(
      'API_FORBIDDEN',
      `this config has tag sources the server would run, read or fetch ("command …", "ansible …", "http …"): to ${verb} it, ${actor.user} needs the admin role on every namespace (*)`,
      { hint: 'ask an admin of * to push it, or list the hosts in the config instead' },
    );
  }
  return text;
}
