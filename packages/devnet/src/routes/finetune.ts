import { FineTuneJobSpecSchema } from '@openledger/lora';
import { defineRouteModule } from '../api/context.js';
import { ApiError } from '../errors.js';
import { authenticate } from './datanets/auth.js';
import * as r from './finetune/routes.js';
import { jobTimeline, type StoredJob } from './finetune/simulate.js';

const TABLES = `
create table finetune_jobs (
  id text primary key,
  owner text not null,
  spec text not null,
  created_at bigint not null,
  cancelled_at bigint
);
`;

/** How often an open event stream looks for new events (real milliseconds). */
const POLL_MS = 40;

/**
 * ModelFactory's fine-tuning API: create, read, cancel and follow jobs (`@openledger/lora`'s
 * schemas). The devnet does not train yet: a job's steps, losses and evaluations are a pure
 * function of its spec and the devnet clock, served through the real HTTP and SSE path.
 * Writes need a devnet API key; reads are open.
 *
 * @example
 * import { finetuneRoutes } from '@openledger/devnet';
 * finetuneRoutes.name; // 'finetune'
 */
export const finetuneRoutes = defineRouteModule({
  name: 'finetune',
  migrations: [{ version: 1, name: 'create finetune jobs', sql: TABLES }],
  register(api, ctx) {
    const load = async (id: string): Promise<StoredJob> => {
      const { rows } = await ctx.storage.query<{
        id: string;
        owner: string;
        spec: string;
        created_at: string | number;
        cancelled_at: string | number | null;
      }>('select * from finetune_jobs where id = $1', [id]);
      const row = rows[0];
      if (!row) throw new ApiError(404, 'JOB_NOT_FOUND', `No fine-tuning job "${id}".`);
      return {
        id: row.id,
        owner: row.owner,
        spec: FineTuneJobSpecSchema.parse(JSON.parse(row.spec)),
        createdAt: Number(row.created_at),
        cancelledAt: row.cancelled_at === null ? null : Number(row.cancelled_at),
      };
    };

    api.handle(r.createJobRoute, async ({ c, ctx, body }) => {
      const owner = authenticate(c, ctx);
      const id = `ft_${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const job: StoredJob = { id, owner, spec: body, createdAt: ctx.now().getTime(), cancelledAt: null };
      await ctx.storage.query(
        'insert into finetune_jobs (id, owner, spec, created_at) values ($1, $2, $3, $4)',
        [id, owner, JSON.stringify(body), job.createdAt],
      );
      return { status: 201, body: jobTimeline(job, job.createdAt).view };
    });

    api.handle(r.getJobRoute, async ({ params, ctx }) => ({
      status: 200,
      body: jobTimeline(await load(params.jobId), ctx.now().getTime()).view,
    }));

    api.handle(r.cancelJobRoute, async ({ c, ctx, params }) => {
      const caller = authenticate(c, ctx);
      const job = await load(params.jobId);
      if (job.owner !== caller) throw new ApiError(403, 'FORBIDDEN', 'Only the job owner can cancel it.');
      const now = ctx.now().getTime();
      const { view } = jobTimeline(job, now);
      if (view.status === 'succeeded' || view.status === 'failed' || view.status === 'cancelled')
        throw new ApiError(409, 'JOB_FINISHED', `Job "${job.id}" already ${view.status}.`);
      await ctx.storage.query(
        'update finetune_jobs set cancelled_at = $2 where id = $1 and cancelled_at is null',
        [job.id, now],
      );
      return { status: 200, body: jobTimeline({ ...job, cancelledAt: now }, now).view };
    });

    api.handle(r.jobEventsRoute, async ({ c, ctx, params, headers }) => {
      const id = params.jobId;
      await load(id);
      let sent = Number(headers['last-event-id'] ?? 0);
      const enc = new TextEncoder();
      const abort = c.req.raw.signal;
      let closed = false;
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(enc.encode('retry: 200\n\n'));
          try {
            while (!abort.aborted && !closed) {
              const { events } = jobTimeline(await load(id), ctx.now().getTime());
              for (; sent < events.length; sent++) {
                const e = events[sent]!;
                controller.enqueue(
                  enc.encode(`id: ${sent + 1}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`),
                );
                if (e.type === 'done') {
                  controller.close();
                  return;
                }
              }
              await new Promise((res) => setTimeout(res, POLL_MS));
            }
            controller.close();
          } catch (err) {
            // The client went away (enqueue on a cancelled stream) or storage closed with the devnet.
            try {
              controller.error(err);
            } catch {
              // Already closed.
            }
          }
        },
        cancel() {
          closed = true;
        },
      });
      return new Response(stream, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        },
      });
    });
  },
});
