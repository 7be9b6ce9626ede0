// The check of a plan handed back to a complete…Wrap call: a plan is made by prepare…Wrap, possibly in
// another module (a PKCS#11 source), so its shape is checked before its fields are read.
import { invalid, isRecord } from '../arguments.js';
import type { Cloud } from '../kek/index.js';
import { expectParts, expectScheme, type WrappedParts } from '../formats/scheme.js';

export function expectPlanAndParts(fn: string, plan: unknown, parts: unknown, cloud: Cloud | undefined): WrappedParts {
  const ok = isRecord(plan) && (cloud === undefined ? typeof plan['cloud'] === 'string' : plan['cloud'] === cloud)
    && isRecord(plan['kek']) && typeof plan['kek']['bits'] === 'number' && isRecord(plan['target']) && isRecord(plan['options']);
  // completeAwsWrap's plan comes from prepareAwsWrap, and so on: the name says which.
  if (!ok) throw invalid(fn, 'plan', `a plan as ${fn.replace('complete', 'prepare')} returns it`, plan);
  expectScheme(fn, 'plan.scheme', plan['scheme']);
  return expectParts(fn, 'parts', parts);
}
