import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';

/** A custom resource in one namespace. */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace: string;
}

/** A running watch; `stop` ends it. */
export interface Watching {
  stop(): Promise<void>;
}

/** After an error, client-node's informer stays stopped; this waits that long, then starts it again. */
const RESTART_DELAY_MS = 1_000;

/**
 * Lists, then watches, the objects of `ref`, calling `onObject` for each one added or changed (and
 * the time it arrived). Restarts the watch after any error, so a slow start or a dropped
 * connection only delays the view.
 */
export function watchResource<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  ref: ResourceRef,
  onObject: (object: T, receivedAt: number) => void,
): Watching {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const path = `/apis/${ref.group}/${ref.version}/namespaces/${ref.namespace}/${ref.plural}`;
  const list = () => api.listNamespacedCustomObject({ ...ref }) as Promise<KubernetesListObject<T>>;
  const informer = makeInformer<T>(kubeConfig, path, list);
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  const deliver = (object: T) => onObject(object, Date.now());
  informer.on('add', deliver);
  informer.on('update', deliver);
  informer.on('error', () => {
    if (stopped) return;
    restart = setTimeout(() => void informer.start().catch(() => undefined), RESTART_DELAY_MS);
  });
  void informer.start().catch(() => undefined);
  return {
    async stop() {
      stopped = true;
      clearTimeout(restart);
      await informer.stop();
    },
  };
}
