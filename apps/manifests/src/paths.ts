import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_LAYER_DIR, MONITORING_COMPONENT_DIR, MULTI_USER_LAYER_DIR } from './layers.js';

// Compiled code runs from lib/, tests from src/: both sit one level below the package folder.
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of the folder `pnpm build` writes the YAML to (`apps/manifests/dist`). */
export const DIST_DIR = join(PACKAGE_DIR, 'dist');
/** Absolute path of the built base layer. */
export const DIST_BASE_DIR = join(DIST_DIR, BASE_LAYER_DIR);
/** Absolute path of the built multi-user overlay; `kubectl apply -k` this folder. */
export const DIST_MULTI_USER_DIR = join(DIST_DIR, MULTI_USER_LAYER_DIR);
/** Absolute path of the built monitoring component; add it with `components:`. */
export const DIST_MONITORING_DIR = join(DIST_DIR, MONITORING_COMPONENT_DIR);
/** The Go module kustomize is built from. */
export const KUSTOMIZE_MODULE_DIR = join(PACKAGE_DIR, 'tools', 'kustomize');
/** The Go module promtool is built from. */
export const PROMTOOL_MODULE_DIR = join(PACKAGE_DIR, 'tools', 'promtool');
