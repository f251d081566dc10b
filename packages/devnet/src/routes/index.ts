import type { RouteModule } from '../api/context.js';
import { datanetRoutes } from './datanets.js';
import { finetuneRoutes } from './finetune.js';
import { healthRoutes } from './health.js';

/**
 * Every route module of the devnet's API, in registration order. Feature packages add
 * their module here with one line (`packages/devnet/src/routes/<feature>.ts`).
 *
 * @example
 * import { defaultRouteModules } from '@openledger/devnet';
 * console.log(defaultRouteModules.map((m) => m.name));
 */
export const defaultRouteModules: readonly RouteModule[] = [
  healthRoutes,
  // Feature route modules go below, one line each.
  datanetRoutes,
  finetuneRoutes,
];
