/**
 * The KFP `RunService.CreateRun` request a ScheduledWorkflow without an embedded spec sends, as
 * upstream's `submitNewWorkflowIfNotAlreadySubmitted` builds it (`crd/controller/scheduledworkflow/controller.go`).
 *
 * The object has the field names of ts-proto's `CreateRunRequest` for `backend/api/v2beta1`
 * (google.protobuf.Struct as a plain object, Value as any JSON value) and only the fields upstream
 * sets, so it fits `CreateRunRequest.fromPartial`.
 *
 * Parameter macros are not expanded here: upstream sends the values as stored and the API server
 * expands `[[RunUUID]]` and `[[CurrentTime]]` with the run ID it assigns.
 */

import { RunRequestError } from './errors.js';
import { isJsonObject, type JsonObject } from './json.js';
import { nextResourceName } from './names.js';
import type { ScheduledWorkflow } from './types.js';

/** `RuntimeConfig` of a run. */
export interface RunRuntimeConfig {
  /** Parameter values by name, each any JSON value. */
  parameters: Record<string, unknown>;
  pipelineRoot: string;
}

/** The `Run` inside the request. */
export interface RunInput {
  experimentId: string;
  /** `nextResourceName(swf)`: the API server returns the existing run for a repeated (recurring run, name) pair. */
  displayName: string;
  /** The ScheduledWorkflow's UID, which is the recurring run's ID. */
  recurringRunId: string;
  /** Absent when the ScheduledWorkflow has no `spec.workflow`. */
  runtimeConfig?: RunRuntimeConfig;
  /** Configuration per plugin name; absent when there is none. */
  pluginsInput?: Record<string, JsonObject>;
  /** An empty `pipelineVersionId` selects the pipeline's latest version. */
  pipelineVersionReference: { pipelineId: string; pipelineVersionId: string };
  serviceAccount: string;
}

/** A `CreateRunRequest`. */
export interface RunRequest {
  /** Deprecated in the API but still sent, as upstream does. */
  experimentId: string;
  run: RunInput;
}

/** Parses a stored parameter value: upstream keeps each as JSON text (a string value carries its quotes). */
function parameterValue(text: string | undefined, field: string): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch (error) {
    throw new RunRequestError(
      field,
      `must be JSON text, as stored for a pipeline run (a string needs quotes: "\\"text\\""): ${(error as Error).message}`,
    );
  }
}

function runtimeConfig(swf: ScheduledWorkflow): RunRuntimeConfig | undefined {
  const workflow = swf.spec.workflow;
  if (!workflow) return undefined;
  const parameters = (workflow.parameters ?? []).map((parameter, i): [string, unknown] => [
    parameter.name ?? '',
    parameterValue(parameter.value, `spec.workflow.parameters[${i}].value`),
  ]);
  return { parameters: Object.fromEntries(parameters), pipelineRoot: workflow.pipelineRoot ?? '' };
}

function pluginsInput(swf: ScheduledWorkflow): Record<string, JsonObject> | undefined {
  const input: unknown = swf.spec.pluginsInput;
  if (input === undefined || input === null) return undefined;
  if (!isJsonObject(input)) {
    throw new RunRequestError(
      'spec.pluginsInput',
      'must be an object of plugin name to configuration object',
    );
  }
  const entries = Object.entries(input);
  if (entries.length === 0) return undefined;
  for (const [name, config] of entries) {
    if (!isJsonObject(config)) {
      throw new RunRequestError(
        `spec.pluginsInput.${name}`,
        'must be a JSON object (a google.protobuf.Struct)',
      );
    }
  }
  return structuredClone(input) as Record<string, JsonObject>;
}

/**
 * The CreateRun request for the next run of `swf`.
 *
 * @throws RunRequestError when a parameter value is not JSON text or the plugins input is not an
 * object of objects.
 */
export function buildRunRequest(swf: ScheduledWorkflow): RunRequest {
  const experimentId = swf.spec.experimentId ?? '';
  const config = runtimeConfig(swf);
  const plugins = pluginsInput(swf);
  return {
    experimentId,
    run: {
      experimentId,
      displayName: nextResourceName(swf),
      recurringRunId: swf.metadata.uid ?? '',
      ...(config && { runtimeConfig: config }),
      ...(plugins && { pluginsInput: plugins }),
      pipelineVersionReference: {
        pipelineId: swf.spec.pipelineId ?? '',
        pipelineVersionId: swf.spec.pipelineVersionId ?? '',
      },
      serviceAccount: swf.spec.serviceAccount ?? '',
    },
  };
}
