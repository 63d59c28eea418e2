"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { cx } from "./ui";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/carts", label: "Carts" },
  { href: "/orders", label: "Orders" },
  { href: "/recovery", label: "Recovery" },
  { href: "/settings", label: "Settings" },
];

type Props = {
  user: { name: string; email: string };
  role: string;
  business: { id: string; name: string };
  businesses: { businessId: string; businessName: string }[];
};

/** Top bar: sections, the business being worked on (switchable), who is signed in, sign out. */
export function Nav({ user, role, business, businesses }: Props) {
  const pathname = usePathname();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const active = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));

  async function signOut() {
    const res = await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    if (!res.ok) return toast.error("Could not sign out");
    router.push("/login");
    router.refresh();
  }

  function switchBusiness(id: string) {
    document.cookie = `cartback.business=${encodeURIComponent(id)}; path=/; samesite=lax; max-age=31536000`;
    router.refresh();
  }

  return (
    <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4">
        <Link href="/" className="flex items-center gap-1.5 font-semibold tracking-tight">
          <span className="text-brand-600" aria-hidden>
            ●
          </span>
          Cartback
        </Link>
        <nav aria-label="Main" className="hidden gap-1 sm:flex">
          {LINKS.map((l) => (
            <Link
              key={l.href}
              href={l.href}
              aria-current={active(l.href) ? "page" : undefined}
              className={cx(
                "rounded-md px-3 py-1.5 text-sm font-medium",
                active(l.href) ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white",
              )}
            >
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          {businesses.length > 1 ? (
            <select
              aria-label="Business"
              value={business.id}
              onChange={(e) => switchBusiness(e.target.value)}
              className="max-w-40 truncate rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {businesses.map((b) => (
                <option key={b.businessId} value={b.businessId}>
                  {b.businessName}
                </option>
              ))}
            </select>
          ) : (
            <span className="hidden max-w-48 truncate text-sm text-slate-500 md:inline">{business.name}</span>
          )}
          <div className="relative">
            <button
              type="button"
              aria-haspopup="menu"
              aria-expanded={open}
              onClick={() => setOpen((v) => !v)}
              className="flex size-8 items-center justify-center rounded-full bg-brand-600 text-sm font-semibold text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
            >
              <span className="sr-only">Account menu for </span>
              {user.name.slice(0, 1).toUpperCase()}
            </button>
            {open && (
              <div role="menu" className="absolute right-0 mt-2 w-60 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
                <p className="px-2 pt-1 text-sm font-medium">{user.name}</p>
                <p className="truncate px-2 text-xs text-slate-500">{user.email}</p>
                <p className="px-2 pb-2 text-xs text-slate-500">Role: {role}</p>
                <button role="menuitem" type="button" onClick={signOut} className="w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800" autoFocus>
                  Sign out
                </button>
              </div>
            )}
          </div>
        </div>
      </div>
      <nav aria-label="Main (mobile)" className="flex gap-1 overflow-x-auto border-t border-slate-200 px-2 py-1 sm:hidden dark:border-slate-800">
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} aria-current={active(l.href) ? "page" : undefined} className={cx("rounded-md px-3 py-1.5 text-sm font-medium", active(l.href) ? "bg-slate-100 dark:bg-slate-800" : "text-slate-600 dark:text-slate-400")}>
            {l.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
