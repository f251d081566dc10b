import * as z from 'zod/mini';
import { AddressSchema, TimestampSchema } from './common.js';

/**
 * One contributor's row on a datanet's leaderboard, as `rankContributors` computes it.
 *
 * @example
 * import { LeaderboardEntrySchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const { rank, contributor, score, acceptanceRate } = LeaderboardEntrySchema.parse(json);
 */
export const LeaderboardEntrySchema = /* @__PURE__ */ (() =>
  z.object({
    /** 1-based; equal scores share a rank. */
    rank: z.int().check(z.gt(0)),
    contributor: AddressSchema,
    score: z.number(),
    accepted: z.int().check(z.gte(0)),
    rejected: z.int().check(z.gte(0)),
    /** Posterior mean acceptance rate (Beta prior). */
    acceptanceRate: z.number().check(z.gte(0), z.lte(1)),
    /** UTC days in the window with an accepted contribution. */
    activeDays: z.int().check(z.gte(0)),
    /** Sum of validation scores of accepted files in the window. */
    qualityPoints: z.number().check(z.gte(0)),
  }))();

/**
 * A datanet's leaderboard as the API serves it. The ranking is a function of the refresh bucket
 * (hourly by default): it counts owner decisions made before `computedAt` within the window
 * starting at `windowStart`, and changes next at `nextRefreshAt`, so every read inside one
 * interval sees the same board. Rejections at entry are not counted at all.
 *
 * @example
 * import { DatanetLeaderboardSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const board = DatanetLeaderboardSchema.parse(json);
 * console.log(board.entries[0]?.contributor, board.nextRefreshAt);
 */
export const DatanetLeaderboardSchema = /* @__PURE__ */ (() =>
  z.object({
    datanetId: z.string().check(z.minLength(1)),
    computedAt: TimestampSchema,
    nextRefreshAt: TimestampSchema,
    windowStart: TimestampSchema,
    entries: z.array(LeaderboardEntrySchema),
  }))();

/** See {@link DatanetLeaderboardSchema}. */
export type DatanetLeaderboard = z.infer<typeof DatanetLeaderboardSchema>;
