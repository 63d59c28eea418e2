import { z } from "zod";
import { getDb } from "@/db/client";
import { createApiKey } from "@/lib/auth/api-keys";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

const createKeyInput = z.strictObject({
  name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
});

/** Creates an API key; this answer is the only place the full key ever appears. */
export const POST = staffRoute("manageKeys", async ({ req, staff }) => {
  const { name } = await readJson(req, createKeyInput);
  const { key, apiKey } = await createApiKey(await getDb(), staff.business.id, name);
  return tracker.ok({ key, apiKey: { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix, createdAt: apiKey.createdAt } }, 201);
});
