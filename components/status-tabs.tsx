import Link from "next/link";
import { cx } from "./ui";

const count = new Intl.NumberFormat("en-US");

export type StatusTab = { label: string; n: number; href: string; active: boolean };

/** The status tab strip of a list page: each tab a link with its count; scrolls sideways on phones. */
export function StatusTabs({ label, tabs }: { label: string; tabs: StatusTab[] }) {
  return (
    <nav aria-label={label} className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1 border-b border-slate-200 dark:border-slate-800">
        {tabs.map((tab) => (
          <li key={tab.label} className="-mb-px">
            <Link
              href={tab.href}
              aria-current={tab.active ? "page" : undefined}
              className={cx(
                "flex items-center gap-2 rounded-t-md border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-inset",
                tab.active
                  ? "border-brand-600 text-brand-700 dark:border-blue-400 dark:text-blue-300"
                  : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:border-slate-600 dark:hover:text-white",
              )}
            >
              {tab.label}{" "}
              <span
                className={cx(
                  "rounded-full px-2 py-0.5 text-xs tabular-nums",
                  tab.active ? "bg-brand-50 text-brand-700 dark:bg-blue-950 dark:text-blue-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-400",
                )}
              >
                {count.format(tab.n)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
