import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { cooperativeRoutes } from './cooperative.routes.js';
import { memberRoutes } from './member.routes.js';
import { officerRoutes } from './officer.routes.js';
import type { MemberRegisterProjection } from './projections/member-register.projection.js';

export function membershipRoutes(keys: KeyStore, register: MemberRegisterProjection): FastifyPluginAsync<ServiceRuntime> {
  return async (app, runtime) => {
    await app.register(cooperativeRoutes, runtime);
    await app.register(memberRoutes(keys, register), runtime);
    await app.register(officerRoutes, runtime);
  };
}
