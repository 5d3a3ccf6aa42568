/**
 * The run ID the KFP API server gives a run it creates for a recurring run. It derives the ID from
 * the recurring run and the run's display name (RFC 4122 version 5, SHA-1, in a fixed namespace of
 * its own: `NewDeterministicUUID` in `backend/src/common/util/uuid.go`), so that repeated
 * `CreateRun` calls for one run converge on one row. Knowing it before the call lets the controller
 * expand `[[RunUUID]]` on the latest-version path to the ID the run will have.
 */

import { createHash } from 'node:crypto';

/** The namespace the KFP API server derives recurring-run run IDs in. */
export const KFP_RUN_ID_NAMESPACE = 'c2f3a9d4-1e6b-4c8a-9f7d-0b5e3a1c2d4f';

/** RFC 4122 §4.3: a name-based UUID, version 5 (SHA-1). */
function uuidV5(namespace: string, name: string): string {
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The ID of the run `CreateRun` makes for the recurring run `recurringRunId` under `displayName`. */
export function recurringRunRunId(recurringRunId: string, displayName: string): string {
  return uuidV5(KFP_RUN_ID_NAMESPACE, `${recurringRunId}/${displayName}`);
}
