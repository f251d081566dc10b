import type { FineTuneEvent, FineTuneJob, FineTuneJobSpec } from '@openledger/lora';

/** A stored job: the spec and the two instants that determine everything else. */
export interface StoredJob {
  id: string;
  owner: string;
  spec: FineTuneJobSpec;
  createdAt: number;
  cancelledAt: number | null;
}

/** Milliseconds (of the devnet clock) a job waits in the queue, and each training step takes. */
export const QUEUE_MS = 100;
export const STEP_MS = 25;
/** Examples the simulated dataset has, before the eval split. */
const EXAMPLES = 256;

/** Steps per epoch for a spec: the dataset size over the effective batch, kept between 4 and 40. */
export function stepsPerEpoch(spec: FineTuneJobSpec): number {
  const train = Math.max(1, Math.floor(EXAMPLES * (1 - spec.evalSplit)));
  return Math.min(40, Math.max(4, Math.ceil(train / (spec.batchSize * spec.gradientAccumulationSteps))));
}

/** Deterministic noise in [-0.5, 0.5) from the seed and step, so replays give identical events. */
function noise(seed: number, step: number): number {
  let h = (seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296 - 0.5;
}

function lossAt(spec: FineTuneJobSpec, step: number, total: number): number {
  const p = step / total;
  return Math.round((0.45 + 2.1 * Math.exp(-3.5 * p) + 0.04 * noise(spec.seed, step)) * 1e4) / 1e4;
}

/**
 * Every event of a job up to `now`, in order. The list is a pure function of the stored job and
 * the clock, so event ids (positions in it) are stable across reconnects — what makes
 * `Last-Event-ID` resumption exact. The devnet does not train: steps, losses and evaluations
 * are simulated on the clock, but travel the real HTTP/SSE path.
 */
export function jobTimeline(job: StoredJob, now: number): { events: FineTuneEvent[]; view: FineTuneJob } {
  const spec = job.spec;
  const per = stepsPerEpoch(spec);
  const total = per * spec.epochs;
  const cutoff = job.cancelledAt !== null ? Math.min(now, job.cancelledAt) : now;
  const iso = (t: number) => new Date(t).toISOString();
  const events: FineTuneEvent[] = [{ type: 'status', status: 'queued' }];
  const startAt = job.createdAt + QUEUE_MS;
  let status: FineTuneJob['status'] = 'queued';
  let step = 0;
  let loss: number | null = null;
  let metrics: Record<string, number> = {};
  if (cutoff >= startAt) {
    status = 'running';
    events.push({ type: 'status', status: 'running' });
    const done = Math.min(total, Math.floor((cutoff - startAt) / STEP_MS));
    for (let s = 1; s <= done; s++) {
      loss = lossAt(spec, s, total);
      events.push({
        type: 'step',
        step: s,
        totalSteps: total,
        epoch: Math.round((s / per) * 1000) / 1000,
        loss,
        learningRate: spec.learningRate * (1 - (s - 1) / total),
      });
      if (s % per === 0 && spec.evalSplit > 0) {
        const evalLoss = Math.round(loss * 1.06 * 1e4) / 1e4;
        metrics = { eval_loss: evalLoss, perplexity: Math.round(Math.exp(evalLoss) * 1e4) / 1e4 };
        events.push({ type: 'eval', step: s, epoch: s / per, metrics });
      }
    }
    step = done;
  }
  const finishedAt =
    job.cancelledAt !== null && job.cancelledAt <= now
      ? job.cancelledAt
      : step === total
        ? startAt + total * STEP_MS
        : null;
  if (finishedAt !== null)
    status = job.cancelledAt !== null && job.cancelledAt <= now ? 'cancelled' : 'succeeded';
  const view: FineTuneJob = {
    id: job.id,
    status,
    spec,
    owner: job.owner,
    createdAt: iso(job.createdAt),
    startedAt: cutoff >= startAt ? iso(startAt) : null,
    finishedAt: finishedAt === null ? null : iso(finishedAt),
    progress: { step, totalSteps: total, epoch: Math.round((step / per) * 1000) / 1000, loss },
    metrics,
    adapterId: status === 'succeeded' ? `${job.id}-adapter` : null,
    error: null,
  };
  if (finishedAt !== null) events.push({ type: 'status', status }, { type: 'done', job: view });
  return { events, view };
}
