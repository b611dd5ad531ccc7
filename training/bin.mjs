#!/usr/bin/env node
// `npx msir …`: run the TypeScript CLI through tsx, no separate build step.
import { register } from 'tsx/esm/api';
register();
await import('./cli.ts');
