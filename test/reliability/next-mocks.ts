/**
 * What Next provides to server components, for rendering dashboard pages outside Next:
 * `headers()` answers `page.headers` (set it to a session's cookie), and `notFound()`/`redirect()`
 * throw errors naming what they would do. Use from a test file:
 *
 *   vi.mock("next/headers", async () => (await import("./next-mocks")).nextHeaders);
 *   vi.mock("next/navigation", async () => (await import("./next-mocks")).nextNavigation);
 */
export const page: { headers: Headers } = { headers: new Headers() };

export const nextHeaders = { headers: async () => page.headers };

export const nextNavigation = {
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
  redirect: (to: string) => {
    throw new Error(`NEXT_REDIRECT ${to}`);
  },
  useRouter: () => ({ refresh() {}, push() {}, replace() {} }),
  usePathname: () => "/",
  useSearchParams: () => new URLSearchParams(),
};
