import { DEFAULT_IMAGE } from '@swf/manifests';

/**
 * The reference the image is built and archived under. The manifests' default image is the one
 * place it is spelled, so the generated Deployment always names the image `pnpm build` makes.
 */
export const IMAGE_REF = DEFAULT_IMAGE;

/** A reference that has no tag to version the image with. */
export class ImageReferenceError extends Error {
  readonly reference: string;
  readonly rule: string;
  override readonly name = 'ImageReferenceError';

  constructor(reference: string, rule: string) {
    super(`image reference ${JSON.stringify(reference)}: ${rule}`);
    this.reference = reference;
    this.rule = rule;
  }
}

/**
 * The tag of `registry/path:tag[@digest]`. A colon before the last `/` belongs to a registry port.
 *
 * @throws ImageReferenceError when the reference has no tag
 */
export function imageTag(reference: string): string {
  const withoutDigest = reference.split('@')[0] as string;
  const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  if (colon < 0 || colon === lastPart.length - 1) {
    throw new ImageReferenceError(reference, 'must end in :tag, the version the image labels carry');
  }
  return lastPart.slice(colon + 1);
}

/** Reference of the runtime base image assembled from a Node binary of `nodeVersion` (`v20.20.2`). */
export function runtimeBaseRef(nodeVersion: string): string {
  return `localhost/swf-node-runtime:${nodeVersion.replace(/^v/, '')}`;
}
