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

const page = (load: () => Promise<{ default: ComponentType<PageProps> }>) => lazy(load);

export const PAGES: readonly PageEntry[] = [
  {
    path: '/',
    nav: { group: 'Overview', label: 'Dashboard' },
    component: page(() => import('./dashboard.tsx')),
  },
  { path: '/profile', component: page(() => import('./profile.tsx')) },
];
