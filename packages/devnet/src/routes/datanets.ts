import { DatanetSpecSchema, rankContributors, validateContribution } from '@openledger/datanet';
import { audioDecoder } from '@openledger/datanet/audio';
import { docxDecoder } from '@openledger/datanet/docx';
import { imageDecoder } from '@openledger/datanet/image';
import { pdfDecoder } from '@openledger/datanet/pdf';
import { defineRouteModule } from '../api/context.js';
import { ApiError } from '../errors.js';
import { authenticate } from './datanets/auth.js';
import { merkleProof, merkleRoot } from './datanets/merkle.js';
import * as r from './datanets/routes.js';
import { DATANET_TABLES } from './datanets/schema.js';
import { DatanetService, requestHash } from './datanets/service.js';

/**
 * The datanet API: datanets, resumable uploads validated again at entry, quotas enforced
 * atomically, owner review, versions with Merkle proofs, and the leaderboard. Writes need a
 * devnet API key (`devnetApiKey(privateKey)`) as `Authorization: Bearer <key>`; reads are open.
 *
 * @example
 * import { datanetRoutes } from '@openledger/devnet';
 * datanetRoutes.name; // 'datanets'
 */
export const datanetRoutes = defineRouteModule({
  name: 'datanets',
  migrations: [{ version: 1, name: 'create datanet tables', sql: DATANET_TABLES }],
  register(api, ctx) {
    // The server judges every format the spec can name, so it loads every decoder.
    const decoders = [pdfDecoder(), docxDecoder(), imageDecoder(), audioDecoder()];
    const service = new DatanetService({
      storage: ctx.storage,
      now: () => ctx.now(),
      validate: (spec, bytes, context) =>
        validateContribution(spec, bytes, {
          contributor: context.contributor,
          usage: context.usage,
          now: context.now,
          fileName: context.fileName,
          decoders,
        }),
      rank: rankContributors,
      merkleRoot,
      merkleProof,
    });

    api.handle(r.createDatanetRoute, async ({ c, ctx, headers, body }) => {
      const account = authenticate(c, ctx);
      const hash = requestHash(['createDatanet', body]);
      const result = await service.idempotent(account, headers['idempotency-key'], hash, async (tx) => ({
        status: 201 as const,
        body: await service.createDatanet(tx, account, DatanetSpecSchema.parse(body.spec)),
      }));
      return { status: 201, body: result.body };
    });

    api.handle(r.listDatanetsRoute, async ({ query }) => ({
      status: 200,
      body: await service.listDatanets(query),
    }));

    api.handle(r.getDatanetRoute, async ({ params }) => ({
      status: 200,
      body: await service.getDatanet(params.datanetId),
    }));

    api.handle(r.createUploadRoute, async ({ c, ctx, params, headers, body }) => {
      const account = authenticate(c, ctx);
      const { created, upload } = await service.createUpload(
        account,
        params.datanetId,
        headers['idempotency-key'],
        body,
      );
      return created ? { status: 201, body: upload } : { status: 200, body: upload };
    });

    api.handle(r.getUploadRoute, async ({ c, ctx, params }) => ({
      status: 200,
      body: await service.getUpload(authenticate(c, ctx), params.uploadId),
    }));

    api.handle(r.putChunkRoute, async ({ c, ctx, params, headers }) => {
      const account = authenticate(c, ctx);
      const data = new Uint8Array(await c.req.arrayBuffer());
      if (data.length > 1 << 20) throw new ApiError(413, 'CHUNK_TOO_LARGE', 'Chunks are at most 1 MiB.');
      const upload = await service.putChunk(account, params.uploadId, Number(headers['upload-offset']), data);
      return { status: 200, body: upload };
    });

    api.handle(r.completeUploadRoute, async ({ c, ctx, params }) => ({
      status: 200,
      body: await service.completeUpload(authenticate(c, ctx), params.uploadId),
    }));

    api.handle(r.listContributionsRoute, async ({ params, query }) => ({
      status: 200,
      body: await service.listContributions(params.datanetId, query),
    }));

    api.handle(r.getContributionRoute, async ({ params }) => ({
      status: 200,
      body: await service.getContribution(params.contributionId),
    }));

    api.handle(r.getContributionContentRoute, async ({ params }) => {
      const data = await service.getContent(params.contributionId);
      return new Response(new Uint8Array(data), { headers: { 'content-type': 'application/octet-stream' } });
    });

    api.handle(r.reviewContributionRoute, async ({ c, ctx, params, headers, body }) => {
      const account = authenticate(c, ctx);
      const hash = requestHash(['review', params.contributionId, body]);
      const result = await service.idempotent(account, headers['idempotency-key'], hash, async (tx) => ({
        status: 200 as const,
        body: await service.review(tx, account, params.contributionId, body),
      }));
      return { status: 200, body: result.body };
    });

    api.handle(r.publishVersionRoute, async ({ c, ctx, params, headers }) => {
      const account = authenticate(c, ctx);
      const hash = requestHash(['publishVersion', params.datanetId]);
      const result = await service.idempotent(account, headers['idempotency-key'], hash, async (tx) => ({
        status: 201 as const,
        body: await service.publishVersion(tx, account, params.datanetId),
      }));
      return { status: 201, body: result.body };
    });

    api.handle(r.listVersionsRoute, async ({ params, query }) => ({
      status: 200,
      body: await service.listVersions(params.datanetId, query),
    }));

    api.handle(r.getVersionRoute, async ({ params }) => ({
      status: 200,
      body: await service.getVersion(
        params.datanetId,
        params.version === 'latest' ? 'latest' : Number(params.version),
      ),
    }));

    api.handle(r.getProofRoute, async ({ params }) => ({
      status: 200,
      body: await service.getProof(params.datanetId, Number(params.version), params.contributionId),
    }));

    api.handle(r.getLeaderboardRoute, async ({ params }) => ({
      status: 200,
      body: await service.getLeaderboard(params.datanetId),
    }));
  },
});
