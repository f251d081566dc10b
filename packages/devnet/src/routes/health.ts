import * as z from 'zod';
import { defineRouteModule } from '../api/context.js';
import { defineRoute } from '../api/defineRoute.js';
import { ErrorBodySchema } from '../api/errorBody.js';
import { ApiError } from '../errors.js';

/** Response of `GET /v1/health`. */
export const HealthSchema = /* @__PURE__ */ (() =>
  z
    .object({
      status: z.literal('ok'),
      chain: z.object({ id: z.number().int(), blockNumber: z.number().int().nonnegative() }),
      storage: z.enum(['pglite', 'postgres']),
      time: z.iso.datetime().describe('The server clock (injectable in tests).'),
    })
    .meta({ id: 'Health' }))();

/** `GET /v1/health`. */
export const getHealth = /* @__PURE__ */ defineRoute({
  method: 'get',
  path: '/v1/health',
  operationId: 'getHealth',
  summary: 'Check that the API, its storage and the chain answer',
  responses: { 200: HealthSchema, 503: ErrorBodySchema },
});

/** `/v1/health`: asks the chain for its block number and the storage for a row. */
export const healthRoutes = /* @__PURE__ */ defineRouteModule({
  name: 'health',
  register(api, ctx) {
    api.handle(getHealth, async () => {
      try {
        await ctx.storage.query('select 1');
        const res = await fetch(ctx.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
        });
        const { result } = (await res.json()) as { result: string };
        return {
          status: 200,
          body: {
            status: 'ok',
            chain: { id: ctx.chain.id, blockNumber: Number(BigInt(result)) },
            storage: ctx.storage.kind,
            time: ctx.now().toISOString(),
          },
        };
      } catch (cause) {
        throw new ApiError(503, 'UNAVAILABLE', 'The chain or the storage does not answer.', { cause });
      }
    });
  },
});
