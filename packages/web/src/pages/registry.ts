/**
 * Every page: its path pattern, where it sits in the sidebar, the permission that shows it, and its
 * module (loaded when first visited). Engine pages work on the engine picked in the top bar.
 */
import type { Permission } from '@gantry/server/api-types';
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

export interface PageProps {
  /** The path pattern's parameters (`:id`). */
  readonly params: Record<string, string>;
}

export interface PageEntry {
  readonly path: string;
  readonly nav?: { readonly group: string; readonly label: string; readonly href?: string };
  readonly permission?: Permission;
  readonly component: LazyExoticComponent<ComponentType<PageProps>>;
}

const RELOADED_KEY = 'gantry.reloaded-for-new-build';

/**
 * A page module loaded on first visit. When the console was upgraded while the tab was open, the old
 * build's chunk names are gone: the page reloads once to pick up the new build instead of going blank.
 */
const page = (load: () => Promise<{ default: ComponentType<PageProps> }>) =>
  lazy(async () => {
    try {
      const module = await load();
      sessionStorage.removeItem(RELOADED_KEY);
      return module;
    } catch (error) {
      if (sessionStorage.getItem(RELOADED_KEY)) throw error;
      sessionStorage.setItem(RELOADED_KEY, '1');
      location.reload();
      return new Promise<never>(() => undefined);
    }
  });

// First match wins: fixed paths (`/containers/new`) before parameters (`/containers/:id`).
export const PAGES: readonly PageEntry[] = [
  {
    path: '/',
    nav: { group: 'Overview', label: 'Dashboard' },
    component: page(() => import('./overview/dashboard.tsx')),
  },
  {
    path: '/containers/new',
    permission: 'containers.create',
    component: page(() => import('./containers/create.tsx')),
  },
  { path: '/containers/:id', component: page(() => import('./containers/detail.tsx')) },
  {
    path: '/containers',
    nav: { group: 'Engine', label: 'Containers' },
    permission: 'containers.read',
    component: page(() => import('./containers/list.tsx')),
  },
  { path: '/images/:id', component: page(() => import('./images/detail.tsx')) },
  {
    path: '/images',
    nav: { group: 'Engine', label: 'Images' },
    permission: 'images.read',
    component: page(() => import('./images/list.tsx')),
  },
  {
    path: '/networks',
    nav: { group: 'Engine', label: 'Networks' },
    permission: 'networks.read',
    component: page(() => import('./objects/networks.tsx')),
  },
  { path: '/volumes/:name', component: page(() => import('./objects/volume-detail.tsx')) },
  {
    path: '/volumes',
    nav: { group: 'Engine', label: 'Volumes' },
    permission: 'volumes.read',
    component: page(() => import('./objects/volumes.tsx')),
  },
  {
    path: '/secrets',
    nav: { group: 'Engine', label: 'Secrets' },
    permission: 'secrets.read',
    component: page(() => import('./objects/secrets.tsx')),
  },
  {
    path: '/configs',
    nav: { group: 'Engine', label: 'Configs' },
    permission: 'configs.read',
    component: page(() => import('./objects/configs.tsx')),
  },
  {
    path: '/plugins',
    nav: { group: 'Engine', label: 'Plugins' },
    permission: 'plugins.read',
    component: page(() => import('./objects/plugins.tsx')),
  },
  { path: '/swarm/services/:id', component: page(() => import('./swarm/service.tsx')) },
  {
    path: '/swarm',
    nav: { group: 'Engine', label: 'Swarm' },
    permission: 'swarm.read',
    component: page(() => import('./swarm/swarm.tsx')),
  },
  {
    path: '/events',
    nav: { group: 'Engine', label: 'Events' },
    permission: 'system.read',
    component: page(() => import('./overview/events.tsx')),
  },
  {
    path: '/engines',
    nav: { group: 'Console', label: 'Engines' },
    permission: 'engines.read',
    component: page(() => import('./overview/engines.tsx')),
  },
  {
    path: '/registries',
    nav: { group: 'Console', label: 'Registries' },
    permission: 'registries.read',
    component: page(() => import('./registries/registries.tsx')),
  },
  {
    path: '/audit',
    nav: { group: 'Console', label: 'Audit log' },
    permission: 'audit.read',
    component: page(() => import('./admin/audit.tsx')),
  },
  {
    path: '/users',
    nav: { group: 'Console', label: 'Users' },
    permission: 'users.read',
    component: page(() => import('./admin/users.tsx')),
  },
  {
    path: '/roles',
    nav: { group: 'Console', label: 'Roles' },
    permission: 'roles.read',
    component: page(() => import('./admin/roles.tsx')),
  },
  {
    path: '/gateway',
    nav: { group: 'Console', label: 'Gateway' },
    permission: 'settings.read',
    component: page(() => import('./admin/gateway.tsx')),
  },
  { path: '/profile', component: page(() => import('./overview/profile.tsx')) },
];
