import {
  AbortError,
  HttpError,
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
  /** Extra request headers (e.g. `authorization` when the server requires it for streams). */
  headers?: Record<string, string>;
  /** `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
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
 * repeated. Breaking out of the loop or aborting `signal` closes the stream.
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
  const doFetch = params.fetch ?? globalThis.fetch;
  const url = `${client.baseUrl}/v1/finetune/jobs/${encodeURIComponent(params.jobId)}/events`;
  let lastId = params.lastEventId;
  let delay = params.reconnectDelayMs ?? 500;
  let failures = 0;
  const maxReconnects = params.maxReconnects ?? 5;
  const signal = params.signal;
  for (;;) {
    if (signal?.aborted) throw new AbortError({ operation: 'watchFineTuneJob', cause: signal.reason });
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let res: Response;
    try {
      res = await doFetch(url, {
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
      if (++failures > maxReconnects) throw new NetworkError({ method: 'GET', url, cause });
      await sleep(delay, signal);
      continue;
    }
    if (!res.ok) {
      signal?.removeEventListener('abort', onAbort);
      const text = await res.text().catch(() => '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      throw new HttpError({
        status: res.status,
        method: 'GET',
        url,
        body,
        requestId: res.headers.get('x-request-id') ?? undefined,
      });
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
