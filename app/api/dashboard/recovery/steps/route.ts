import { z } from "zod";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { toStepInput, type StepsInput } from "@/lib/recovery/schema";
import { saveSteps } from "@/lib/recovery/steps";

/**
 * Replaces the business's recovery sequence with the steps sent, in order. saveSteps validates
 * them with `stepsInput` (422 naming the field, e.g. `steps[1].body`); the answer is the saved
 * sequence in the editor's shape.
 */
export const PUT = staffRoute("manageSettings", async ({ req, staff }) => {
  const input = (await readJson(req, z.unknown())) as StepsInput;
  const steps = await saveSteps(staff.business.id, input);
  return tracker.ok({ steps: steps.map((step) => ({ id: step.id, position: step.position, ...toStepInput(step) })) });
});
