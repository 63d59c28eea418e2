import type { NextConfig } from "next";

const config: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "rate-limiter-flexible", "proper-lockfile", "@node-rs/argon2", "nodemailer"],
  poweredByHeader: false,
  skipTrailingSlashRedirect: true,
};

export default config;
