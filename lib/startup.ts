import { opened } from "@/db/client";
import { env, EnvError } from "@/lib/env";

// Refuse to start on bad configuration, with every bad variable named; then migrate.
try {
  env();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const { dialect } = await opened();
console.log(`[cartback] database ready (${dialect}, migrations applied)`);

const { startCheckoutExpiry } = await import("@/lib/checkout/expiry");
startCheckoutExpiry();

const { startWebhookWorker } = await import("@/lib/webhooks/worker");
startWebhookWorker();

const { startTwigSweep } = await import("@/lib/twig/expiry");
startTwigSweep();

const { startRecoveryScheduler } = await import("@/lib/recovery/scheduler");
startRecoveryScheduler();
