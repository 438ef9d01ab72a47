import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { cooperativeRoutes } from './cooperative.routes.js';
import { memberCommandRoutes, memberRecordRoutes, personalDataRoutes, registerRoutes } from './member.routes.js';
import { officerRoutes } from './officer.routes.js';
import type { MemberRegisterProjection } from './projections/member-register.projection.js';

export function membershipRoutes(keys: KeyStore, register: MemberRegisterProjection): FastifyPluginAsync<ServiceRuntime> {
  return async (app, runtime) => {
    await app.register(cooperativeRoutes, runtime);
    await app.register(memberCommandRoutes(keys), runtime);
    await app.register(registerRoutes(register), runtime);
    await app.register(memberRecordRoutes(register), runtime);
    await app.register(personalDataRoutes(keys), runtime);
    await app.register(officerRoutes, runtime);
  };
}
