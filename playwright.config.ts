import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
export const baseURL = `http://127.0.0.1:${PORT}`;

// Debian's chromium: Playwright cannot download its own browser here.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // A production server on a freshly prepared database (see e2e/prepare.ts).
    command: `npx tsx e2e/prepare.ts && npx next start -p ${PORT}`,
    url: `${baseURL}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      APP_URL: baseURL,
      PGLITE_DIR: ".data/e2e",
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? "",
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "",
      RATE_LIMIT_STORE: "",
      // The webhook spec's receiver listens on loopback.
      WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8,::1/128",
      WEBHOOK_ALLOW_HTTP: "true",
      // Every spec signs in from the same address, more than 10 times a minute.
      SIGN_IN_RATE_LIMIT: "1000",
    },
  },
});
