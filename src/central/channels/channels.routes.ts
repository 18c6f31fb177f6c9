/**
 * `/api/v1/channels`: the rating channels' API (issue 17, docs/channels.md). Every request carries an API key of
 * scope `channel:<name>` (created under 账号 → API keys), and that scope names the channel of what it sends: a key
 * of the hotline cannot send a rating as the online platform. A key of a role (admin, …) is refused here, as a
 * channel's key is refused everywhere else. Runs in Node.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, HttpError } from '../../common/http.js';
import { ChannelRating, ChannelService, channelOfScope, type IntegrationChannel } from '../../shared/channels-api.js';
import { apiKeyActor } from '../accounts/api-keys.js';
import { CHANNEL_SECURITY } from '../openapi-docs.js';
import { rateFromChannel, registerService, type ChannelContext } from './ratings.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The channel of the request's API key (the channels' scope only). */
    channel?: IntegrationChannel;
  }
}

/** A channel's batch of ratings is small: one request per rating. */
export const CHANNEL_BODY_LIMIT = 16 * 1024;

const RatingAnswer = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), id: z.string(), caseId: z.string().nullable() }),
  z.object({ status: z.literal('duplicate'), id: z.string() }),
  z.object({ status: z.literal('late'), id: z.string() }),
]);
const ServiceAnswer = z.object({
  status: z.enum(['registered', 'known']),
  id: z.string(),
  defaultDueAt: z.string(),
});

/** The scope's onRequest hook: a live API key of a channel's scope, or 401/403. */
async function channelAuthentication(ctx: ChannelContext, request: FastifyRequest, reply: FastifyReply) {
  const header = request.headers.authorization;
  const actor = header?.startsWith('Bearer ') ? await apiKeyActor(ctx.db, header.slice('Bearer '.length)) : null;
  if (!actor) {
    return reply.code(401).send(errorBody('unauthorized', 'a channel’s API key is required: Authorization: Bearer …'));
  }
  request.actor = actor;
  const channel = channelOfScope(actor.role ?? '');
  if (!channel) throw new HttpError(403, 'forbidden', 'this API takes only keys of a channel’s scope (channel:<name>)');
  request.channel = channel;
}

export function registerChannelRoutes(scope: FastifyInstance, ctx: ChannelContext): void {
  scope.addHook('onRequest', (request, reply) => channelAuthentication(ctx, request, reply));
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['channels'], security: CHANNEL_SECURITY };
  const caller = (request: FastifyRequest) => ({ channel: request.channel!, actor: request.actor!, ip: request.ip });

  r.post(
    '/ratings',
    {
      schema: {
        ...docs,
        summary:
          'A rating from a channel (在线平台, 移动端, 热线, 短信): accepted (201), a duplicate of the service’s rating, or late after its 7-day default (200)',
        body: ChannelRating,
        response: { 200: RatingAnswer, 201: RatingAnswer },
      },
      bodyLimit: CHANNEL_BODY_LIMIT,
    },
    async (request, reply) => {
      const result = await rateFromChannel(ctx, caller(request), { ...request.body, kioskRecordId: null });
      return reply.code(result.status === 'accepted' ? 201 : 200).send(result);
    },
  );

  r.post(
    '/services',
    {
      schema: {
        ...docs,
        summary: 'A service given that awaits its rating (办结): its 7-day default (第八条) falls due from its end',
        body: ChannelService,
        response: { 200: ServiceAnswer, 201: ServiceAnswer },
      },
      bodyLimit: CHANNEL_BODY_LIMIT,
    },
    async (request, reply) => {
      const result = await registerService(ctx, caller(request), request.body);
      return reply.code(result.status === 'registered' ? 201 : 200).send(result);
    },
  );
}
