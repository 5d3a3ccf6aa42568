/**
 * The KFP `RunService.CreateRun` request a ScheduledWorkflow without an embedded spec sends, as
 * upstream's `submitNewWorkflowIfNotAlreadySubmitted` builds it (`crd/controller/scheduledworkflow/controller.go`).
 *
 * The object has the field names of ts-proto's `CreateRunRequest` for `backend/api/v2beta1`
 * (google.protobuf.Struct as a plain object, Value as any JSON value) and only the fields upstream
 * sets, so it fits `CreateRunRequest.fromPartial`.
 *
 * Beyond upstream, which sends parameter values as stored (so `[[ScheduledTime]]` reached the
 * pipeline as that text), the macros are expanded here as on the embedded-spec path, with the same
 * function ({@link formatMacros}), before each value is parsed as JSON. `[[RunUUID]]` becomes the ID
 * the API server gives the run ({@link recurringRunRunId}), so it matches the run's `pipeline/runid`.
 */

import { RunRequestError } from './errors.js';
import { isJsonObject, type JsonObject } from './json.js';
import { nextIndex, nextResourceName } from './names.js';
import { formatMacros, type MacroValues } from './parameters.js';
import { recurringRunRunId } from './run-id.js';
import type { ScheduledWorkflow } from './types.js';

/** The times of one run that its parameter macros expand to. */
export interface RunTimes {
  /** Epoch (seconds) the run is scheduled for. */
  readonly scheduledEpoch: number;
  /** Epoch (seconds) the run is started at. */
  readonly nowEpoch: number;
}

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

/**
 * Parses a stored parameter value after expanding its macros: upstream keeps each value as JSON
 * text (a string value carries its quotes).
 */
function parameterValue(text: string | undefined, macros: MacroValues, field: string): unknown {
  const stored = text ?? '';
  const expanded = formatMacros(stored, macros);
  try {
    return JSON.parse(expanded);
  } catch (error) {
    const after = expanded === stored ? '' : ' after its macros are expanded';
    throw new RunRequestError(
      field,
      `must be JSON text${after}, as stored for a pipeline run (a string needs quotes: "\\"text\\""): ${(error as Error).message}`,
    );
  }
}

function runtimeConfig(swf: ScheduledWorkflow, macros: MacroValues): RunRuntimeConfig | undefined {
  const workflow = swf.spec.workflow;
  if (!workflow) return undefined;
  const parameters = (workflow.parameters ?? []).map((parameter, i): [string, unknown] => [
    parameter.name ?? '',
    parameterValue(parameter.value, macros, `spec.workflow.parameters[${i}].value`),
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
 * The CreateRun request for the next run of `swf`, scheduled and started at `times`, its parameter
 * macros expanded.
 *
 * @throws RunRequestError when a parameter value is not JSON text (after its macros are expanded) or
 * the plugins input is not an object of objects.
 */
export function buildRunRequest(swf: ScheduledWorkflow, times: RunTimes): RunRequest {
  const experimentId = swf.spec.experimentId ?? '';
  const displayName = nextResourceName(swf);
  const recurringRunId = swf.metadata.uid ?? '';
  const config = runtimeConfig(swf, {
    ...times,
    index: nextIndex(swf),
    runUuid: recurringRunRunId(recurringRunId, displayName),
  });
  const plugins = pluginsInput(swf);
  return {
    experimentId,
    run: {
      experimentId,
      displayName,
      recurringRunId,
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
