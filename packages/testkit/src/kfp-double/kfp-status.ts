import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Any, Status } from '@swf/kfp-api';

/** Type URL of a google.rpc.Status packed in an Any, as grpc-go writes it. */
const RPC_STATUS_TYPE_URL = 'type.googleapis.com/google.rpc.Status';

/** Trailer key that carries a serialized google.rpc.Status with details. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/**
 * An error as the KFP API server returns it (its Go `util.UserError`).
 *
 * `message` is the gRPC status message: KFP sends its internal error chain there, each layer
 * prefixed by `wrap` as Go's `errors.Wrap` does (`outer: inner`). `external` is the short text KFP
 * puts in the status details for UIs; `wrap` keeps it, as KFP does.
 */
export class KfpStatusError extends Error {
  /** gRPC status code. */
  readonly code: status;
  /** The internal chain KFP sends as the status message. */
  override readonly message: string;
  /** The external message KFP sends in the google.rpc.Status details. */
  readonly external: string;
  override readonly name = 'KfpStatusError';

  constructor(code: status, message: string, external: string) {
    super(message);
    this.code = code;
    this.message = message;
    this.external = external;
  }

  /** The same error with one more layer of context in front, as `util.Wrap` does in KFP. */
  wrap(context: string): KfpStatusError {
    return new KfpStatusError(this.code, `${context}: ${this.message}`, this.external);
  }

  /**
   * The error as grpc-js sends it: code, message, and a `grpc-status-details-bin` trailer holding
   * google.rpc.Status{code, message, details: [google.rpc.Status{code, external}]}, as grpc-go
   * serializes KFP's `UserError.GRPCStatus()`.
   */
  toServiceError(): Partial<ServiceError> {
    const detail = Status.encode({ code: this.code, message: this.external, details: [] }).finish();
    const details = Status.encode({
      code: this.code,
      message: this.message,
      details: [Any.fromPartial({ typeUrl: RPC_STATUS_TYPE_URL, value: detail })],
    }).finish();
    const metadata = new Metadata();
    metadata.set(STATUS_DETAILS_KEY, Buffer.from(details));
    return { code: this.code, details: this.message, metadata };
  }
}

/**
 * The external message KFP put in the status details of a failed call, or `null` when there are none.
 * Reads what {@link KfpStatusError.toServiceError} (and KFP itself) sends.
 */
export function externalMessageOf(error: ServiceError): string | null {
  const [raw] = error.metadata?.get(STATUS_DETAILS_KEY) ?? [];
  if (!(raw instanceof Buffer)) return null;
  const [detail] = Status.decode(raw).details;
  return detail?.typeUrl === RPC_STATUS_TYPE_URL ? Status.decode(detail.value).message : null;
}

// Constructors named and worded as KFP's backend/src/common/util/error.go; each `message` is what
// Go's errors.Wrapf(cause, "<Kind>: %v", external).Error() prints.

/** `util.NewUnauthenticatedError(cause, external)`. */
export function unauthenticated(external: string, cause: string | null): KfpStatusError {
  return withCause(status.UNAUTHENTICATED, `Unauthenticated: ${external}`, cause, external);
}

/** `util.NewBadRequestError(errors.New(msg), msg)`: KFP maps "bad request" to ABORTED. */
export function badRequest(external: string): KfpStatusError {
  return withCause(status.ABORTED, `BadRequestError: ${external}`, external, external);
}

/** `util.NewInvalidInputError(msg)`. */
export function invalidInput(external: string): KfpStatusError {
  return new KfpStatusError(status.INVALID_ARGUMENT, `Invalid input error: ${external}`, external);
}

/** `util.NewResourceNotFoundError(kind, name)`. */
export function resourceNotFound(kind: string, name: string): KfpStatusError {
  const external = `${kind} ${name} not found`;
  return new KfpStatusError(status.NOT_FOUND, `ResourceNotFoundError: ${external}`, external);
}

/** `util.NewPermissionDeniedError(cause, external)`. */
export function permissionDenied(external: string, cause: string): KfpStatusError {
  return withCause(status.PERMISSION_DENIED, `PermissionDenied: ${external}`, cause, external);
}

/** `util.NewInternalServerError(cause, internal)`: the client only sees "Internal Server Error" in details. */
export function internalServerError(internal: string, cause: string): KfpStatusError {
  return withCause(status.INTERNAL, `InternalServerError: ${internal}`, cause, 'Internal Server Error');
}

function withCause(code: status, head: string, cause: string | null, external: string): KfpStatusError {
  return new KfpStatusError(code, cause === null ? head : `${head}: ${cause}`, external);
}

/**
 * The text of k8s.io/apimachinery's `utilerrors.NewAggregate(errs).Error()`, which KFP uses to join
 * the failures of its authenticators: one distinct message alone, several as `[a, b]`, `null` for none.
 */
export function aggregateMessage(messages: readonly string[]): string | null {
  const distinct = [...new Set(messages)];
  if (distinct.length === 0) return null;
  return distinct.length === 1 ? (distinct[0] as string) : `[${distinct.join(', ')}]`;
}
