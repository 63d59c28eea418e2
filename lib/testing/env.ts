import { resetEnvForTests } from "@/lib/env";

/**
 * Sets environment variables (undefined unsets one) and re-reads the app's env, until the
 * returned function puts back what was there before.
 */
export function useEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvForTests();
  };
  apply(vars);
  return () => apply(before);
}
