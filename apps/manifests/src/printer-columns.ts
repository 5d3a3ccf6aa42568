/** One `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description: string;
}

/**
 * What `kubectl get scheduledworkflows` shows after the name. Columns read one field each, so the
 * trigger takes two: the cron text (`Schedule`) or the period in seconds (`Every (s)`), whichever
 * the resource sets. `Last run` is a `date` and prints as an age, like `Age`; `Next run` is a
 * `string` and prints the time itself, since the API server prints a `date` in the future as
 * `<invalid>`. The CRD has no status subresource (the KFP API server and the controller write whole
 * objects), which columns do not need.
 */
export const PRINTER_COLUMNS: readonly PrinterColumn[] = Object.freeze([
  {
    name: 'Enabled',
    type: 'boolean',
    jsonPath: '.spec.enabled',
    description: 'Whether the schedule starts runs.',
  },
  {
    name: 'Schedule',
    type: 'string',
    jsonPath: '.spec.trigger.cronSchedule.cron',
    description: 'Cron expression of a cron trigger (seconds first when it has six fields).',
  },
  {
    name: 'Every (s)',
    type: 'integer',
    jsonPath: '.spec.trigger.periodicSchedule.intervalSecond',
    description: 'Period of a periodic trigger, in seconds.',
  },
  {
    name: 'Status',
    type: 'string',
    jsonPath: '.status.conditions[0].type',
    description: 'Enabled, Disabled, Running, Succeeded or Error (see the condition message and events).',
  },
  {
    name: 'Last run',
    type: 'date',
    jsonPath: '.status.trigger.lastTriggeredTime',
    description: 'Scheduled time of the last run started.',
  },
  {
    name: 'Next run',
    type: 'string',
    jsonPath: '.status.trigger.nextTriggeredTime',
    description: 'Scheduled time of the next run; empty when the schedule never fires again.',
  },
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: 'Time since the resource was created.',
  },
]);
