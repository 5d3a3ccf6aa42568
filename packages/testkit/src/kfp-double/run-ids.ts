import { createHash } from 'node:crypto';

/** The fixed namespace KFP derives recurring-run run IDs from (backend/src/common/util/uuid.go). */
const DETERMINISTIC_UUID_NAMESPACE = 'c2f3a9d4-1e6b-4c8a-9f7d-0b5e3a1c2d4f';

/**
 * The run ID KFP gives a run created for a recurring run: the RFC 4122 version 5 (SHA-1) UUID of
 * `<recurringRunId>/<displayName>` in KFP's namespace, so repeated creations converge on one ID.
 */
export function recurringRunRunId(recurringRunId: string, displayName: string): string {
  return uuidV5(DETERMINISTIC_UUID_NAMESPACE, `${recurringRunId}/${displayName}`);
}

function uuidV5(namespace: string, name: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}
