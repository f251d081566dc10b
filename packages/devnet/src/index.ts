/**
 * @packageDocumentation
 * `@openledger/devnet`: a local OpenLedger — anvil plus the reference OpenLedger HTTP API
 * (Hono, PGlite storage, OpenAPI generated from zod) — for tests, examples and development.
 */

export { resolveAnvilBinary } from './anvil/resolveAnvilBinary.js';
export {
  type AnvilInstance,
  type DevnetAccount,
  type StartAnvilOptions,
  startAnvil,
} from './anvil/startAnvil.js';
export {
  type ApiRouter,
  type DevnetContracts,
  defineRouteModule,
  type RouteContext,
  type RouteModule,
} from './api/context.js';
export { type ApiApp, apiMigrations, type CreateApiAppOptions, createApiApp } from './api/createApiApp.js';
export {
  type BodySpec,
  defineRoute,
  type HandlerInput,
  type HandlerResult,
  type HttpMethod,
  type ParamsSchema,
  type ResponseSpec,
  type RouteDefinition,
  type RouteHandler,
  type RouteRequest,
  type Schema,
} from './api/defineRoute.js';
export { ErrorBodySchema, type RequestIssue } from './api/errorBody.js';
export { buildOpenApiDocument, type RegisteredRoute } from './api/openapi.js';
export { type DevnetChain, devnetChain } from './chain.js';
export { type DeployContext, type DeployDevnetContracts, defaultDeployContracts } from './contracts.js';
export {
  ApiError,
  type ApiErrorParameters,
  DevnetError,
  type DevnetErrorCode,
  isDevnetError,
} from './errors.js';
export { createConsoleLogger, type DevnetLogger, silentLogger } from './logger.js';
export { devnetApiKey } from './routes/datanets/auth.js';
export { datanetRoutes } from './routes/datanets.js';
export { finetuneRoutes } from './routes/finetune.js';
export { defaultRouteModules } from './routes/index.js';
export { type Devnet, type StartDevnetOptions, startDevnet } from './startDevnet.js';
export { type CreatePgliteStorageOptions, createPgliteStorage } from './storage/createPgliteStorage.js';
export {
  type CreatePostgresStorageOptions,
  createPostgresStorage,
  type PgClientLike,
  type PgPoolLike,
} from './storage/createPostgresStorage.js';
export { type MigrationSet, type RunMigrationsResult, runMigrations } from './storage/runMigrations.js';
export type { DevnetQueryable, DevnetStorage, Migration, QueryResult } from './storage/types.js';
export { withDevnet } from './testing/withDevnet.js';
