// Resolves `last` in job routes to the caller's newest job, the way GET /v1/jobs/:ref does.
import type { PogoService } from '../../dispatcher/index.ts';
import type { Actor } from '../../model/index.ts';

/**
 * The job id to pass to service methods that take no actor (hosts, output, events): `last` means the
 * caller's newest job everywhere, so it is resolved with the actor; ids and prefixes pass through.
 */
export async function jobIdOf(service: PogoService, ref: string, actor: Actor): Promise<string> {
  return ref === 'last' ? (await service.getJob(ref, actor)).id : ref;
}
