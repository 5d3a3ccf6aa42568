export { type BuildImageOptions, type BuiltImage, buildImage } from './build-image.js';
export {
  Buildah,
  BuildahCommandError,
  BuildahMissingError,
  type BuildahResult,
  INSTALL_HINT,
} from './buildah.js';
export { IMAGE_REF, ImageReferenceError, imageTag, runtimeBaseRef } from './image-ref.js';
export { MissingLibraryError, sharedLibraries } from './ldd.js';
export { CONTAINERFILE, controllerBundlePath, IMAGE_ARCHIVE } from './paths.js';
export {
  assembleRuntimeRootfs,
  IDENTITY_FILES,
  IMAGE_CA_BUNDLE_PATH,
  IMAGE_NODE_PATH,
  NONROOT_UID,
  type RuntimeSources,
} from './runtime-rootfs.js';
