/**
 * An inference gateway: every request is paid through HTTP 402 with payment-channel
 * vouchers, answered by a model running with a LoRA adapter from a cache, attributed to the
 * datanet contributions that shaped the output, and returned with an attribution record the
 * gateway signs.
 *
 * Attribution is layered like the model: the text comes from a Markov model trained on a text
 * datanet (credited by verbatim spans over a suffix-array index), and the choice among
 * candidate texts comes from a LoRA style scorer trained on an instruction datanet (credited
 * by DataInf gradient influence of its training rows on the chosen output).
 */
import {
  type AdapterLineage,
  type AttributionDomain,
  type AttributionRecord,
  type AttributionResult,
  attributeOutput,
  createAttributionRecord,
  dataInf,
  hashAttributionRecord,
  type LoraLinearModel,
  type SpanIndex,
  signAttributionRecord,
  type Tokenizer,
  type TypedDataSigner,
} from '@openledger/attribution';
import type { AdapterCache } from '@openledger/lora';
import {
  type ChannelState,
  createPaymentMiddleware,
  type Hex,
  type PaymentMiddleware,
  type PaymentPrice,
} from '@openledger/token';
import { Hono } from 'hono';
import type { MarkovModel } from './model.js';
import type { StyleRuntime } from './runtime.js';
import { features, type ScorerExample } from './scorer.js';

/** What a paid completion returns. */
export interface Completion {
  inferenceId: string;
  prompt: string;
  output: string;
  /** P(Melville-like) of the chosen output, from the adapter-served scorer. */
  style: number;
  tokens: number;
  spans: AttributionResult['spans'];
  record: AttributionRecord;
  recordHash: Hex;
  signature: Hex;
}

/** Who is behind each contribution. */
export interface ContributionInfo {
  datanetId: string;
  contributor: string;
}

export interface GatewayOptions {
  modelId: string;
  model: MarkovModel;
  /** Span index over the text contributions the model was trained on. */
  index: SpanIndex;
  /** The index's tokenizer (needed when the index was loaded from bytes). */
  tokenizer?: Tokenizer;
  /** keccak256 of the serialized index, recorded in every attribution record. */
  indexHash: Hex;
  /** Datanet version the text model (and the index) was built from. */
  textLineage: { datanetId: string; version: number };
  contributions: (contributionId: string) => ContributionInfo | undefined;
  style: {
    runtime: StyleRuntime;
    adapters: AdapterCache;
    adapterId: string;
    lineage: AdapterLineage['lineage'];
    /** The fitted scorer and its training rows, for influence. */
    model: LoraLinearModel;
    train: readonly ScorerExample[];
    /** Candidate texts generated per request. Default 3. */
    candidates?: number;
  };
  /** How the output's credit divides between the text model and the style adapter. Default 0.75. */
  textWeight?: number;
  payment: {
    chainId: number;
    contract: Hex;
    payeeKey: Hex;
    /** A fixed price per request, or `{ perToken, maxTokens }` settled for the tokens produced. */
    price: PaymentPrice;
    getChannel(channelId: Hex): Promise<ChannelState | undefined>;
  };
  recordSigner: TypedDataSigner;
  recordDomain: AttributionDomain;
  onCompletion?: (c: Completion) => void;
}

export interface Gateway {
  app: Hono;
  paywall: PaymentMiddleware;
  completions: Completion[];
}

export function createGateway(opts: GatewayOptions): Gateway {
  const paywall = createPaymentMiddleware({
    chainId: opts.payment.chainId,
    contract: opts.payment.contract,
    payeeKey: opts.payment.payeeKey,
    price: opts.payment.price,
    getChannel: opts.payment.getChannel,
    description: `Completion by ${opts.modelId}, attributed to datanet contributions`,
  });
  const completions: Completion[] = [];
  const app = new Hono();
  const textWeight = opts.textWeight ?? 0.75;
  let counter = 0;

  app.get('/health', (c) => c.json({ ok: true, model: opts.modelId }));
  app.all('/v1/complete', (c) =>
    paywall(c.req.raw, async (req, pay) => {
      const body = (await req.json().catch(() => null)) as { prompt?: unknown; seed?: unknown } | null;
      if (!body || typeof body.prompt !== 'string' || body.prompt.length > 4_000) {
        return Response.json(
          { error: { code: 'BAD_REQUEST', message: 'Send { "prompt": string }.' } },
          { status: 400 },
        );
      }
      const prompt = body.prompt;
      const seed = typeof body.seed === 'number' ? body.seed : ++counter;

      // Generate candidates, let the adapter-served scorer pick the most Melville-like.
      const n = opts.style.candidates ?? 3;
      const candidates = Array.from({ length: n }, (_, i) =>
        opts.model.generate(prompt, { maxWords: 90, seed: seed * 101 + i }),
      );
      const scores = await opts.style.adapters.use(opts.style.adapterId, (adapter) =>
        opts.style.runtime.score(candidates, adapter),
      );
      const best = scores.indexOf(Math.max(...scores));
      const output = candidates[best]!;

      const spans = await attributeOutput(
        opts.index,
        { prompt, output },
        { minSpanLength: 6, ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}) },
      );
      const tokens = spans.outputTokens;
      const price = opts.payment.price;
      if (typeof price === 'object') pay.reportUsage(Math.min(tokens, price.maxTokens));

      // Influence of each scorer training row on the chosen output being judged Melville-like.
      const influence = dataInf({
        model: opts.style.model,
        train: opts.style.train,
        test: [{ x: features(output), y: 1 }],
        topK: 5,
      });
      const byContribution = new Map<string, number>();
      opts.style.train.forEach((ex, i) => {
        const s = influence.scores[i]!;
        if (s > 0) byContribution.set(ex.contributionId, (byContribution.get(ex.contributionId) ?? 0) + s);
      });

      const who = (id: string) => {
        const info = opts.contributions(id);
        if (!info) throw new Error(`gateway: unknown contribution ${id}`);
        return info;
      };
      const inferenceId = `inf_${pay.channelId.slice(2, 10)}_${completions.length + 1}`;
      const record = createAttributionRecord({
        inferenceId,
        modelId: opts.modelId,
        method: {
          name: 'span',
          params: { minSpanLength: 6, maxFrequency: 10, adapterMethod: 'datainf', candidates: n },
        },
        result: {
          contributions: [
            ...spans.contributions.map((x) => ({ ...x, ...who(x.contributionId) })),
            ...[...byContribution].map(([contributionId, score]) => ({
              contributionId,
              score,
              ...who(contributionId),
            })),
          ],
        },
        adapters: [
          {
            adapterId: `${opts.modelId}:text`,
            weight: textWeight,
            lineage: [{ ...opts.textLineage, weight: 1 }],
          },
          { adapterId: opts.style.adapterId, weight: 1 - textWeight, lineage: opts.style.lineage },
        ],
        indexHash: opts.indexHash,
        evidence: { spans: spans.spans, influence: influence.top },
      });
      const signed = await signAttributionRecord(record, opts.recordSigner, opts.recordDomain);
      const completion: Completion = {
        inferenceId,
        prompt,
        output,
        style: scores[best]!,
        tokens,
        spans: spans.spans,
        record,
        recordHash: hashAttributionRecord(record) as Hex,
        signature: signed.signature,
      };
      completions.push(completion);
      opts.onCompletion?.(completion);
      return Response.json(completion);
    }),
  );
  return { app, paywall, completions };
}
