import { fileURLToPath } from 'node:url';

/** Where the build puts the console's bundle: dist/console, beside dist/src where this module compiles to. */
export const CONSOLE_BUNDLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));
