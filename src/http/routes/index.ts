import type { MethodModule } from '../../methods/method-module.js';
import { methodModules } from '../../methods/registry.js';
import { methodRoute } from '../method-routes.js';
import type { Route } from '../types.js';
import { adminRoutes, adminStatusRoute } from './admin.js';
import { deviceRoutes } from './devices.js';
import { loginRoutes } from './login.js';
import { methodRoutes, statusBody } from './methods.js';
import { stepUpRoutes } from './step-up.js';

type Section = 'login' | 'methods' | 'step-up' | 'admin';

/** Where a method's route is listed: with the login step, the step-up, the admin routes, or the methods. */
function sectionOf(route: Route): Section {
  if (route.path.startsWith('/login/')) return 'login';
  if (route.path.startsWith('/step-up/')) return 'step-up';
  return route.guard === 'admin' ? 'admin' : 'methods';
}

/**
 * Every endpoint of a facade with `modules`, in the order the docs list them: each section the
 * layer's own routes first, then the methods' (in the registry's order).
 */
export function routeTable(modules: readonly MethodModule[]): Route[] {
  const added = modules.flatMap((module) =>
    (module.http?.routes ?? []).map((route) => methodRoute(module, route)),
  );
  const section = (name: Section) => added.filter((route) => sectionOf(route) === name);
  const { status, disable } = methodRoutes(modules);
  return [
    ...loginRoutes,
    ...section('login'),
    status,
    ...section('methods'),
    disable,
    ...deviceRoutes,
    ...stepUpRoutes,
    ...section('step-up'),
    ...adminRoutes,
    adminStatusRoute(statusBody(modules)),
    ...section('admin'),
  ];
}

/** Every endpoint of a facade with the built-in methods (a host's own methods add theirs). */
export const routes: readonly Route[] = routeTable(methodModules);
