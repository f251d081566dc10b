import { FineTuneJobSchema, FineTuneJobSpecSchema } from '@openledger/lora';
import * as z from 'zod';
import { defineRoute } from '../../api/defineRoute.js';
import { ErrorBodySchema } from '../../api/errorBody.js';

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: `Error (${s})`, schema: ErrorBodySchema }]));
const JobParams = z.object({ jobId: z.string().min(1).max(64) });

export const createJobRoute = defineRoute({
  method: 'post',
  path: '/v1/finetune/jobs',
  summary: 'Start a LoRA / QLoRA fine-tuning job (simulated on the devnet)',
  request: { body: FineTuneJobSpecSchema },
  responses: { 201: FineTuneJobSchema, ...errors(400, 401, 422) },
});

export const getJobRoute = defineRoute({
  method: 'get',
  path: '/v1/finetune/jobs/{jobId}',
  summary: 'Read a fine-tuning job',
  request: { params: JobParams },
  responses: { 200: FineTuneJobSchema, ...errors(404) },
});

export const cancelJobRoute = defineRoute({
  method: 'post',
  path: '/v1/finetune/jobs/{jobId}/cancel',
  summary: 'Cancel a queued or running fine-tuning job',
  request: { params: JobParams },
  responses: { 200: FineTuneJobSchema, ...errors(401, 403, 404, 409) },
});

export const jobEventsRoute = defineRoute({
  method: 'get',
  path: '/v1/finetune/jobs/{jobId}/events',
  summary: 'Follow a job over server-sent events (resumable with Last-Event-ID)',
  request: {
    params: JobParams,
    headers: z.object({
      'last-event-id': z
        .string()
        .regex(/^\d{1,9}$/)
        .optional(),
    }),
  },
  responses: {
    200: { description: 'text/event-stream of FineTuneEvent JSON', contentType: 'text/event-stream' },
    ...errors(404),
  },
});
