import * as z from 'zod';

const DatanetRefSchema = /* @__PURE__ */ z.object({
  datanetId: z.string().min(1).max(128),
  version: z.number().int().nonnegative(),
  /** Share of the training mix. */
  weight: z.number().positive().max(1e6).default(1),
});

const QuantizationSchema = /* @__PURE__ */ z.object({
  bits: z.union([z.literal(4), z.literal(8)]),
  /** 4-bit storage type (bitsandbytes): NormalFloat4 or FP4. */
  type: z.enum(['nf4', 'fp4']).default('nf4'),
  /** Quantize the quantization constants too (QLoRA's double quantization). */
  doubleQuant: z.boolean().default(true),
  computeDtype: z.enum(['bfloat16', 'float16', 'float32']).default('bfloat16'),
});

/**
 * A ModelFactory fine-tuning job: which base model, which datanet versions (weighted), LoRA or
 * QLoRA with its hyperparameters. Ranges are checked and defaults filled in; QLoRA requires a
 * 4- or 8-bit quantization and plain LoRA forbids one.
 *
 * @example
 * import { FineTuneJobSpecSchema } from '@openledger/lora';
 * const spec = FineTuneJobSpecSchema.parse({
 *   baseModel: 'meta-llama/Llama-3.1-8B',
 *   datanets: [{ datanetId: 'dn_legal', version: 3 }],
 *   method: 'qlora',
 *   quantization: { bits: 4 },
 * });
 * spec.r; // 8
 */
export const FineTuneJobSpecSchema = /* @__PURE__ */ z
  .object({
    baseModel: z.string().min(1).max(256),
    datanets: z.array(DatanetRefSchema).min(1).max(64),
    method: z.enum(['lora', 'qlora']).default('lora'),
    r: z.number().int().min(1).max(512).default(8),
    alpha: z.number().positive().max(4096).default(16),
    dropout: z.number().min(0).max(0.9).default(0.05),
    targetModules: z.array(z.string().min(1).max(128)).min(1).max(64).default(['q_proj', 'v_proj']),
    useRslora: z.boolean().default(false),
    learningRate: z.number().min(1e-7).max(1e-2).default(2e-4),
    epochs: z.number().int().min(1).max(100).default(3),
    batchSize: z.number().int().min(1).max(1024).default(8),
    gradientAccumulationSteps: z.number().int().min(1).max(1024).default(1),
    maxSeqLength: z.number().int().min(16).max(131072).default(2048),
    /** Fraction of examples held out for evaluation. */
    evalSplit: z.number().min(0).max(0.5).default(0.1),
    quantization: QuantizationSchema.optional(),
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31 - 1)
      .default(42),
  })
  .superRefine((spec, ctx) => {
    if (spec.method === 'qlora' && !spec.quantization)
      ctx.addIssue({
        code: 'custom',
        path: ['quantization'],
        message: 'QLoRA needs quantization: { bits: 4 | 8 }.',
      });
    if (spec.method === 'lora' && spec.quantization)
      ctx.addIssue({
        code: 'custom',
        path: ['quantization'],
        message: 'Quantization applies to method "qlora" only.',
      });
    const ids = spec.datanets.map((d) => `${d.datanetId}@${d.version}`);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', path: ['datanets'], message: 'Each datanet version may appear once.' });
  });

/** A validated fine-tuning job spec. */
export type FineTuneJobSpec = z.output<typeof FineTuneJobSpecSchema>;
/** What {@link FineTuneJobSpecSchema} accepts (defaults optional). */
export type FineTuneJobSpecInput = z.input<typeof FineTuneJobSpecSchema>;

/**
 * Lifecycle states of a fine-tuning job: queued → running → succeeded | failed | cancelled.
 *
 * @example
 * import { FineTuneJobStatusSchema } from '@openledger/lora';
 * FineTuneJobStatusSchema.parse('running');
 */
export const FineTuneJobStatusSchema = /* @__PURE__ */ z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
]);
/** A fine-tuning job's status. */
export type FineTuneJobStatus = z.output<typeof FineTuneJobStatusSchema>;

/**
 * A fine-tuning job as the API returns it.
 *
 * @example
 * import { FineTuneJobSchema } from '@openledger/lora';
 * FineTuneJobSchema.shape.status.options; // ['queued', 'running', ...]
 */
export const FineTuneJobSchema = /* @__PURE__ */ z.object({
  id: z.string(),
  status: FineTuneJobStatusSchema,
  spec: FineTuneJobSpecSchema,
  owner: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.object({
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative(),
    epoch: z.number().nonnegative(),
    loss: z.number().nullable(),
  }),
  /** Latest evaluation metrics (eval_loss, perplexity, …). */
  metrics: z.record(z.string(), z.number()),
  /** Id of the produced adapter once the job succeeded. */
  adapterId: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
/** A fine-tuning job. */
export type FineTuneJob = z.output<typeof FineTuneJobSchema>;

/**
 * One server-sent progress event of a job: a status change, a training step, an evaluation,
 * or the end (`done`, carrying the final job).
 *
 * @example
 * import { FineTuneEventSchema } from '@openledger/lora';
 * FineTuneEventSchema.parse({ type: 'step', step: 1, totalSteps: 10, epoch: 0.1, loss: 2.3, learningRate: 2e-4 });
 */
export const FineTuneEventSchema = /* @__PURE__ */ z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: FineTuneJobStatusSchema }),
  z.object({
    type: z.literal('step'),
    step: z.number().int().positive(),
    totalSteps: z.number().int().positive(),
    epoch: z.number().nonnegative(),
    loss: z.number(),
    learningRate: z.number(),
  }),
  z.object({
    type: z.literal('eval'),
    step: z.number().int().nonnegative(),
    epoch: z.number().nonnegative(),
    metrics: z.record(z.string(), z.number()),
  }),
  z.object({ type: z.literal('done'), job: FineTuneJobSchema }),
]);
/** A job progress event. */
export type FineTuneEvent = z.output<typeof FineTuneEventSchema>;
