import { ImageReferenceError, imageTag, runtimeBaseRef } from './image-ref.js';

describe('imageTag', () => {
  it.each([
    ['localhost/swf-controller:0.1.0', '0.1.0'],
    ['registry.example:5000/team/swf-controller:1.2.3-rc.1', '1.2.3-rc.1'],
    [`swf-controller:0.1.0@sha256:${'a'.repeat(64)}`, '0.1.0'],
  ])('reads the tag of %s', (reference, tag) => {
    expect(imageTag(reference)).toBe(tag);
  });

  it.each(['localhost/swf-controller', 'registry.example:5000/swf-controller', 'swf-controller:'])(
    'refuses %s, which has no tag',
    (reference) => {
      expect(() => imageTag(reference)).toThrow(ImageReferenceError);
    },
  );
});

describe('runtimeBaseRef', () => {
  it('names the runtime by the Node version without its v', () => {
    expect(runtimeBaseRef('v20.20.2')).toBe('localhost/swf-node-runtime:20.20.2');
  });
});
