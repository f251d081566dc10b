import * as z from 'zod';

/**
 * PEFT's `adapter_config.json` for LoRA. Known fields are validated with PEFT's defaults;
 * unknown fields are kept as they are so a load → save round trip loses nothing.
 *
 * @example
 * import { AdapterConfigSchema } from '@openledger/lora';
 * const config = AdapterConfigSchema.parse({ r: 16, lora_alpha: 32, target_modules: ['q_proj', 'v_proj'] });
 * config.use_rslora; // false
 */
export const AdapterConfigSchema = /* @__PURE__ */ z.looseObject({
  peft_type: z.string().default('LORA'),
  r: z.number().int().positive().max(65536).default(8),
  lora_alpha: z.number().finite().default(8),
  lora_dropout: z.number().min(0).max(1).default(0),
  target_modules: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .default(null),
  fan_in_fan_out: z.boolean().default(false),
  use_rslora: z.boolean().default(false),
  use_dora: z.boolean().default(false),
  rank_pattern: z.record(z.string(), z.number().int().positive()).default({}),
  alpha_pattern: z.record(z.string(), z.number().finite()).default({}),
  bias: z.enum(['none', 'all', 'lora_only']).default('none'),
  modules_to_save: z.array(z.string()).nullable().default(null),
  base_model_name_or_path: z.string().nullable().default(null),
  task_type: z.string().nullable().default(null),
  inference_mode: z.boolean().default(true),
});

/** A validated adapter config (PEFT field names). */
export type AdapterConfig = z.output<typeof AdapterConfigSchema>;
/** What {@link AdapterConfigSchema} accepts (all fields optional). */
export type AdapterConfigInput = z.input<typeof AdapterConfigSchema>;
