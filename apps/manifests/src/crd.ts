import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SCHEDULED_WORKFLOW_SCHEMA } from './crd-schema.js';
import { SWF_CRD_NAME, SWF_GROUP, SWF_KIND, SWF_PLURAL, SWF_VERSION } from './names.js';
import { PRINTER_COLUMNS } from './printer-columns.js';

/**
 * The `scheduledworkflows.kubeflow.org` CustomResourceDefinition: upstream's group, names, short
 * name, scope and single version, with a structural schema in place of upstream's opaque one and
 * printer columns that show each schedule and its last and next run ({@link PRINTER_COLUMNS}).
 *
 * No status subresource, as upstream: the controller writes status with an update of the whole
 * object, which a status subresource would silently ignore.
 */
export class ScheduledWorkflowCrd extends Construct {
  /** The CustomResourceDefinition object. */
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: SWF_CRD_NAME },
      spec: {
        group: SWF_GROUP,
        names: {
          kind: SWF_KIND,
          listKind: `${SWF_KIND}List`,
          plural: SWF_PLURAL,
          singular: SWF_KIND.toLowerCase(),
          shortNames: ['swf'],
        },
        scope: 'Namespaced',
        versions: [
          {
            name: SWF_VERSION,
            served: true,
            storage: true,
            schema: { openAPIV3Schema: SCHEDULED_WORKFLOW_SCHEMA },
            additionalPrinterColumns: PRINTER_COLUMNS,
          },
        ],
      },
    });
  }
}
