import type { Route } from '../types.js';
import { adminRoutes } from './admin.js';
import { backupCodeRoutes } from './backup-codes.js';
import { deviceRoutes } from './devices.js';
import { loginRoutes } from './login.js';
import { methodRoutes } from './methods.js';
import { stepUpRoutes } from './step-up.js';
import { webauthnRoutes } from './webauthn.js';

/** Every endpoint, in the order the docs list them. */
export const routes: readonly Route[] = [
  ...loginRoutes,
  ...methodRoutes,
  ...webauthnRoutes,
  ...backupCodeRoutes,
  ...deviceRoutes,
  ...stepUpRoutes,
  ...adminRoutes,
];
