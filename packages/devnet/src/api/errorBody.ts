import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod';
import type * as zc from 'zod/v4/core';

/**
 * The body of every error response of the OpenLedger API.
 *
 * @example
 * import { ErrorBodySchema } from '@openledger/devnet';
 * ErrorBodySchema.parse({ error: { code: 'NOT_FOUND', message: 'No route GET /v1/x.' } });
 */
export const ErrorBodySchema = /* @__PURE__ */ (() =>
  z
    .object({
      error: z.object({
        code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED.'),
        message: z.string().describe('What went wrong, for humans.'),
        details: z.unknown().optional().describe('Structured context, e.g. validation issues.'),
      }),
    })
    .meta({ id: 'ErrorBody' }))();

/** One problem found in a request, as sent in `error.details.issues`. */
export interface RequestIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

/** zod issues as plain JSON (symbols in paths become strings). */
export function toIssues(error: zc.$ZodError): RequestIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    code: i.code,
    message: i.message,
  }));
}

/** Send an error response in the API's one error shape. */
export function errorResponse(
  c: Context,
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): Response {
  const error = details === undefined ? { code, message } : { code, message, details };
  return c.json({ error }, status as ContentfulStatusCode, headers);
}
