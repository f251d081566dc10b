import * as z from 'zod';

const hex32 = /* @__PURE__ */ z.string().regex(/^(0x)?[0-9a-f]{64}$/, 'expected 32 bytes of lowercase hex');

/**
 * Where an adapter came from: its id, the base model, the datanet versions it was trained
 * on (with their weights in the training mix), the trainer and its hyperparameters.
 * Attribution reads it to know whose data shaped the adapter. Stored as `lineage.json`
 * next to the adapter and in the safetensors `__metadata__` under `openledger.lineage`.
 *
 * @example
 * import { LineageManifestSchema } from '@openledger/lora';
 * const lineage = LineageManifestSchema.parse({
 *   adapterId: 'legal-qa-v1',
 *   baseModel: { name: 'meta-llama/Llama-3.1-8B' },
 *   datanets: [{ datanetId: 'dn_legal', version: 3, weight: 1 }],
 *   trainer: { name: 'modelfactory' },
 *   hyperparameters: { r: 16, lora_alpha: 32, epochs: 3 },
 * });
 */
export const LineageManifestSchema = /* @__PURE__ */ z.object({
  schemaVersion: z.literal(1).default(1),
  adapterId: z.string().min(1).max(256),
  baseModel: z.object({
    name: z.string().min(1),
    revision: z.string().optional(),
    family: z.string().optional(),
  }),
  datanets: z
    .array(
      z.object({
        datanetId: z.string().min(1),
        version: z.number().int().nonnegative(),
        /** Merkle root of the version's accepted contributions, when known. */
        root: hex32.optional(),
        /** Share of the training mix; weights need not sum to 1 (they are normalised by readers). */
        weight: z.number().finite().nonnegative(),
      }),
    )
    .default([]),
  trainer: z.object({
    name: z.string().min(1),
    version: z.string().optional(),
    jobId: z.string().optional(),
  }),
  hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  /** sha256 of the canonical weights (see `adapterIntegrity`), filled in by `saveAdapter`. */
  weightsSha256: hex32.optional(),
  createdAt: z.string().optional(),
});

/** A validated lineage manifest. */
export type LineageManifest = z.output<typeof LineageManifestSchema>;
/** What {@link LineageManifestSchema} accepts. */
export type LineageManifestInput = z.input<typeof LineageManifestSchema>;
