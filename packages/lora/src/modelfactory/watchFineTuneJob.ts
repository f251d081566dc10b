import {
  AbortError,
  isAbortError,
  isHttpError,
  NetworkError,
  type OpenLedgerClient,
  ValidationError,
} from '@openledger/core';
import { type FineTuneEvent, FineTuneEventSchema } from './schemas.js';
import { createSseParser } from './sse.js';

/** Parameters of {@link watchFineTuneJob}. */
export interface WatchFineTuneJobParameters {
  jobId: string;
  signal?: AbortSignal;
  /** Resume after this event id (as `Last-Event-ID`). */
  lastEventId?: string;
  /** Consecutive failed reconnects before giving up. Default 5. */
  maxReconnects?: number;
  /** Wait before reconnecting, unless the server sent `retry`. Default 500 ms. */
  reconnectDelayMs?: number;
  /** Extra request headers (the client's API key, headers and hooks apply as to every request). */
  headers?: Record<string, string>;
}

/** What {@link watchFineTuneJob} yields: each event with its server id. */
export type WatchFineTuneJobReturnType = AsyncGenerator<
  FineTuneEvent & { id: string | undefined },
  void,
  undefined
>;

/**
 * Follow a job's progress over server-sent events: status changes, each training step with
 * its loss, evaluations, and a final `done` event carrying the finished job, after which the
 * iterator ends. A dropped connection is resumed with `Last-Event-ID`, so no event is lost or
 * repeated. Breaking out of the loop or aborting `signal` closes the stream. The stream goes
 * through the client (`responseType: 'stream'`), so its API key, headers, hooks and `fetch`
 * apply; its timeout covers each connection's wait for headers, not the stream.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { watchFineTuneJob } from '@openledger/lora';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8545' });
 * for await (const e of watchFineTuneJob(client, { jobId: 'ft_123' })) {
 *   if (e.type === 'step') console.log(e.step, e.loss);
 * }
 */
export async function* watchFineTuneJob(
  client: OpenLedgerClient,
  params: WatchFineTuneJobParameters,
): WatchFineTuneJobReturnType {
  const path = `/v1/finetune/jobs/${encodeURIComponent(params.jobId)}/events`;
  const url = `${client.baseUrl}${path}`;
  let lastId = params.lastEventId;
  let delay = params.reconnectDelayMs ?? 500;
  let failures = 0;
  const maxReconnects = params.maxReconnects ?? 5;
  const signal = params.signal;
  for (;;) {
    if (signal?.aborted) throw new AbortError({ operation: 'watchFineTuneJob', cause: signal.reason });
    // One controller per connection: it closes this stream when the loop ends early or the
    // caller aborts, without aborting the caller's signal.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let res: Response;
    try {
      res = await client.request({
        path,
        responseType: 'stream',
        headers: {
          accept: 'text/event-stream',
          ...params.headers,
          ...(lastId !== undefined ? { 'last-event-id': lastId } : {}),
        },
        signal: controller.signal,
      });
    } catch (cause) {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) throw new AbortError({ operation: 'watchFineTuneJob', cause });
      // A status error is the server's answer (404, 401…): reconnecting will not change it.
      if (isHttpError(cause) || isAbortError(cause)) throw cause;
      if (++failures > maxReconnects) throw new NetworkError({ method: 'GET', url, cause });
      await sleep(delay, signal);
      continue;
    }
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const parser = createSseParser();
    let done = false;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        for (const msg of parser.push(chunk.value)) {
          if (msg.retry !== undefined) delay = msg.retry;
          if (msg.id !== undefined) lastId = msg.id;
          failures = 0;
          let json: unknown;
          try {
            json = JSON.parse(msg.data);
          } catch (cause) {
            throw new ValidationError('A progress event is not JSON.', { cause });
          }
          const parsed = FineTuneEventSchema.safeParse(json);
          if (!parsed.success)
            throw new ValidationError(`Unexpected progress event: ${parsed.error.issues[0]?.message ?? ''}`, {
              issues: parsed.error.issues.map((i) => ({
                path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
                message: i.message,
              })),
            });
          yield { ...parsed.data, id: msg.id };
          if (parsed.data.type === 'done') {
            done = true;
            return;
          }
        }
      }
    } catch (e) {
      if (signal?.aborted) throw new AbortError({ operation: 'watchFineTuneJob', cause: e });
      if (e instanceof ValidationError) throw e;
      // The connection broke mid-stream: reconnect below.
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!done) controller.abort();
      await reader.cancel().catch(() => {});
    }
    if (++failures > maxReconnects)
      throw new NetworkError({
        method: 'GET',
        url,
        details: 'The event stream kept closing before the job finished.',
      });
    await sleep(delay, signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortError({ operation: 'watchFineTuneJob', cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
