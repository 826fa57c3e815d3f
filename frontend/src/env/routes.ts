import { hrefFor } from '../common/router';

/** #/env/<name>: one environment. */
export const envHref = (name: string): string => hrefFor({ name: 'env', env: name });

/** #/envs: every environment on this machine. */
export const ENVS_HREF = '#/envs';
