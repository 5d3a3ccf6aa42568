import {
  InterceptingCall,
  type Interceptor,
  type InterceptorOptions,
  Metadata,
  type NextCall,
  status,
} from '@grpc/grpc-js';
import type { UserIdentity } from './identity.js';
import { AUTHORIZATION_KEY } from './metadata-rules.js';
import type { TokenSource } from './token-source.js';

/** What {@link createAuthInterceptor} attaches to each call. */
export interface AuthInterceptorOptions {
  /** Source of the bearer token; `null` or a source that yields `null` sends no `authorization`. */
  readonly tokenSource?: TokenSource | null;
  /** The identity entry from `resolveUserIdentity`; `null` sends none. */
  readonly identity?: UserIdentity | null;
}

/**
 * A grpc-js client interceptor that sets `authorization: Bearer <token>` and the user-identity key
 * on every outgoing call.
 *
 * An interceptor rather than CallCredentials: grpc-js refuses to combine call credentials with an
 * insecure channel, and in-cluster traffic to the API server is often plaintext. Values are `set`,
 * not `add`ed, so a retried call never carries two. When the token source fails, the call ends with
 * `UNAUTHENTICATED` and the source's message, and nothing is sent.
 */
export function createAuthInterceptor(options: AuthInterceptorOptions): Interceptor {
  const tokenSource = options.tokenSource ?? null;
  const identity = options.identity ?? null;
  return (callOptions: InterceptorOptions, nextCall: NextCall) => {
    const call = nextCall(callOptions);
    return new InterceptingCall(call, {
      start(metadata, listener, next) {
        attach(metadata, tokenSource, identity).then(
          () => next(metadata, listener),
          (error: unknown) => {
            const details = error instanceof Error ? error.message : String(error);
            // End the underlying call without starting it, then tell the caller why.
            call.cancelWithStatus(status.UNAUTHENTICATED, details);
            listener.onReceiveStatus({ code: status.UNAUTHENTICATED, details, metadata: new Metadata() });
          },
        );
      },
    });
  };
}

async function attach(
  metadata: Metadata,
  tokenSource: TokenSource | null,
  identity: UserIdentity | null,
): Promise<void> {
  const token = tokenSource ? await tokenSource.token() : null;
  if (token !== null) metadata.set(AUTHORIZATION_KEY, `Bearer ${token}`);
  if (identity !== null) metadata.set(identity.key, identity.value);
}
