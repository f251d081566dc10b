/**
 * Everything the gateway serves, prepared from accepted datanet contributions: the span index
 * (GPT-2 tokens), the Markov text model, and the LoRA style scorer — saved as a PEFT adapter
 * with a lineage manifest, loaded back through an adapter cache, and served with onnxruntime.
 */
import { join } from 'node:path';
import {
  buildSpanIndex,
  type LoraLinearModel,
  type SpanIndex,
  serializeSpanIndex,
  type Tokenizer,
} from '@openledger/attribution';
import { keccak256 } from '@openledger/core';
import {
  type AdapterCache,
  composeAdapters,
  createAdapterCache,
  type LoraAdapter,
  loadAdapter,
  saveAdapter,
} from '@openledger/lora';
import type { ContributionInfo } from './gateway.js';
import { type MarkovModel, trainMarkovModel } from './model.js';
import { createStyleRuntime, type StyleRuntime } from './runtime.js';
import { type ScorerExample, scorerAdapter, scorerExamples, trainScorer } from './scorer.js';
import { gpt2Tokenizer } from './tokenizer.js';

export interface TextContribution {
  id: string;
  contributor: string;
  datanetId: string;
  text: string;
}

export interface RowContribution {
  contributionId: string;
  contributor: string;
  datanetId: string;
  output: string;
}

export interface PrepareServingParameters {
  text: readonly TextContribution[];
  rows: readonly RowContribution[];
  textVersion: { datanetId: string; version: number };
  rowsVersion: { datanetId: string; version: number; merkleRoot?: string };
  /** Where adapters are written (PEFT layout, one directory each). */
  adapterDir: string;
  onProgress?: (message: string) => void;
}

export interface Serving {
  tokenizer: Tokenizer;
  index: SpanIndex;
  indexBytes: Uint8Array;
  indexHash: `0x${string}`;
  model: MarkovModel;
  scorer: LoraLinearModel;
  train: ScorerExample[];
  adapterId: string;
  adapterSha256: string;
  adapters: AdapterCache;
  runtime: StyleRuntime;
  /** The two half-adapters and their `cat` composition, with a check that the composition is exact. */
  composition: { ids: [string, string]; weights: [number, number]; maxLogitError: number };
  contributions: (id: string) => ContributionInfo | undefined;
  release(): Promise<void>;
}

export async function prepareServing(p: PrepareServingParameters): Promise<Serving> {
  const say = p.onProgress ?? (() => {});
  const tokenizer = gpt2Tokenizer();
  const index = await buildSpanIndex(
    p.text.map((t) => ({ id: t.id, contributor: t.contributor, text: t.text })),
    { tokenizer },
  );
  const indexBytes = serializeSpanIndex(index);
  const indexHash = keccak256(indexBytes) as `0x${string}`;
  say(
    `span index: ${index.totalTokens ?? '?'} GPT-2 tokens over ${p.text.length} documents, ${(indexBytes.length / 1e6).toFixed(2)} MB serialized`,
  );
  const model = trainMarkovModel(
    p.text.map((t) => t.text),
    3,
  );
  say(`Markov text model: ${model.contexts} contexts of ${model.order} words`);

  const lineage = (adapterId: string) => ({
    adapterId,
    baseModel: { name: 'openledger/markov-style-scorer' },
    datanets: [
      {
        datanetId: p.rowsVersion.datanetId,
        version: p.rowsVersion.version,
        weight: 1,
        ...(p.rowsVersion.merkleRoot ? { root: p.rowsVersion.merkleRoot.replace(/^0x/, '') } : {}),
      },
    ],
    trainer: { name: 'openledger-demo', version: '0.1.0' },
    hyperparameters: { rank: 4, steps: 300, learning_rate: 0.05, l2: 1e-3 },
  });

  const train = scorerExamples(p.rows);
  const scorer = trainScorer(train);
  const adapterId = `${p.rowsVersion.datanetId}-style-v${p.rowsVersion.version}`;
  const saved = await saveAdapter(scorerAdapter(scorer, lineage(adapterId)), {
    dir: join(p.adapterDir, adapterId),
  });
  say(
    `LoRA style adapter "${adapterId}" trained on ${train.length} examples, saved (sha256 ${saved.sha256.slice(0, 12)}…)`,
  );

  // Two adapters trained on halves of the contributions, composed with PEFT's `cat`.
  const ids = [...new Set(p.rows.map((r) => r.contributionId))];
  const half = new Set(ids.slice(0, Math.ceil(ids.length / 2)));
  const trainA = scorerExamples(p.rows.filter((r) => half.has(r.contributionId)));
  const trainB = scorerExamples(p.rows.filter((r) => !half.has(r.contributionId)));
  const partIds: [string, string] = [`${adapterId}-a`, `${adapterId}-b`];
  const parts: LoraAdapter[] = [];
  for (const [i, t] of [trainA, trainB].entries()) {
    const a = scorerAdapter(trainScorer(t.length ? t : train, 11 + i), lineage(partIds[i]!));
    await saveAdapter(a, { dir: join(p.adapterDir, partIds[i]!) });
    parts.push(a);
  }
  const weights: [number, number] = [
    trainA.length / (trainA.length + trainB.length),
    trainB.length / (trainA.length + trainB.length),
  ];
  const composed = composeAdapters(parts, { weights, method: 'cat' });

  const adapters = createAdapterCache({
    maxBytes: 1 << 20,
    load: (id) =>
      loadAdapter(join(p.adapterDir, id), { sha256: id === adapterId ? saved.sha256 : undefined }),
  });
  const runtime = await createStyleRuntime();
  // With a zero base weight the scorer's logits are linear in the adapter's delta, so the
  // composed adapter's scores must equal the weighted mix of the parts' scores.
  const probe = p.text.slice(0, 3).map((t) => t.text.slice(0, 600));
  const logit = async (a: LoraAdapter) => (await runtime.score(probe, a)).map((q) => Math.log(q / (1 - q)));
  const [la, lb, lc] = [await logit(parts[0]!), await logit(parts[1]!), await logit(composed)];
  const maxLogitError = Math.max(
    ...lc.map((v, i) => Math.abs(v - (weights[0] * la[i]! + weights[1] * lb[i]!))),
  );
  say(
    `composed ${partIds.join(' + ')} with "cat" (weights ${weights.map((w) => w.toFixed(2)).join(', ')}); max logit error vs the weighted mix ${maxLogitError.toExponential(1)}`,
  );

  const who = new Map<string, ContributionInfo>();
  for (const t of p.text) who.set(t.id, { datanetId: t.datanetId, contributor: t.contributor });
  for (const r of p.rows) who.set(r.contributionId, { datanetId: r.datanetId, contributor: r.contributor });
  return {
    tokenizer,
    index,
    indexBytes,
    indexHash,
    model,
    scorer,
    train,
    adapterId,
    adapterSha256: saved.sha256,
    adapters,
    runtime,
    composition: { ids: partIds, weights, maxLogitError },
    contributions: (id) => who.get(id),
    release: () => runtime.release(),
  };
}
