import type { OpenLedgerClient } from '@openledger/core';
import { type DatanetLeaderboard, DatanetLeaderboardSchema } from '../api/leaderboard.js';

/** Parameters of {@link getLeaderboard}. */
export interface GetLeaderboardParameters {
  datanetId: string;
  signal?: AbortSignal;
}

/** What {@link getLeaderboard} resolves to. */
export type GetLeaderboardReturnType = DatanetLeaderboard;

/**
 * Read a datanet's leaderboard. The server ranks with `rankContributors` and refreshes at most
 * once per interval (hourly by default): `computedAt` and `nextRefreshAt` say when.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { getLeaderboard } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const board = await getLeaderboard(client, { datanetId: 'notes' });
 * for (const e of board.entries) console.log(e.rank, e.contributor, e.score);
 */
export async function getLeaderboard(
  client: OpenLedgerClient,
  params: GetLeaderboardParameters,
): Promise<GetLeaderboardReturnType> {
  return client.request({
    path: `/v1/datanets/${encodeURIComponent(params.datanetId)}/leaderboard`,
    schema: DatanetLeaderboardSchema,
    signal: params.signal,
  });
}
