"use client";

import { useId, useState } from "react";
import { cx } from "@/components/ui";

type View = "html" | "text";

/**
 * An email as the customer gets it: From/To, the subject, then the HTML in a sandboxed iframe
 * (sandbox="" — no scripts, no same-origin access, no navigation, no forms) or the plain text.
 */
export function EmailPreview({ subject, html, text, from, to, label = "Email preview" }: { subject: string; html: string; text: string; from?: string; to?: string; label?: string }) {
  const [view, setView] = useState<View>("html");
  const id = useId();
  const tab = (value: View, name: string) => (
    <button
      type="button"
      role="tab"
      id={`${id}-${value}-tab`}
      aria-selected={view === value}
      aria-controls={`${id}-${value}`}
      tabIndex={view === value ? 0 : -1}
      onClick={() => setView(value)}
      onKeyDown={(e) => {
        if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
          const next = value === "html" ? "text" : "html";
          setView(next);
          document.getElementById(`${id}-${next}-tab`)?.focus();
        }
      }}
      className={cx(
        "rounded-md px-2.5 py-1 text-xs font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
        view === value ? "bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white",
      )}
    >
      {name}
    </button>
  );

  return (
    <section aria-label={label} className="flex min-w-0 flex-col overflow-hidden rounded-lg border border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950">
      <div className="space-y-0.5 border-b border-slate-200 bg-white px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
        {from && (
          <p className="truncate text-slate-500 dark:text-slate-400">
            <span className="inline-block w-14 text-xs font-medium uppercase">From</span>
            <span className="text-slate-700 dark:text-slate-300">{from}</span>
          </p>
        )}
        {to && (
          <p className="truncate text-slate-500 dark:text-slate-400">
            <span className="inline-block w-14 text-xs font-medium uppercase">To</span>
            <span className="text-slate-700 dark:text-slate-300">{to}</span>
          </p>
        )}
        <p className="flex min-w-0 items-baseline text-slate-500 dark:text-slate-400">
          <span className="inline-block w-14 shrink-0 text-xs font-medium uppercase">Subject</span>
          <span data-testid="preview-subject" className="min-w-0 font-semibold break-words text-slate-900 dark:text-slate-100">
            {subject || <span className="font-normal text-slate-400">(empty)</span>}
          </span>
        </p>
      </div>
      <div className="flex items-center justify-between gap-2 px-3 pt-2">
        <div role="tablist" aria-label="Format" className="inline-flex gap-0.5 rounded-lg bg-slate-200/70 p-0.5 dark:bg-slate-800">
          {tab("html", "HTML")}
          {tab("text", "Plain text")}
        </div>
      </div>
      <div className="p-3">
        {view === "html" ? (
          <div role="tabpanel" id={`${id}-html`} aria-labelledby={`${id}-html-tab`}>
            <iframe
              sandbox=""
              srcDoc={html}
              title={`${label}: ${subject}`}
              referrerPolicy="no-referrer"
              loading="lazy"
              className="h-[28rem] w-full rounded-md border border-slate-200 bg-white dark:border-slate-800"
            />
          </div>
        ) : (
          <div role="tabpanel" id={`${id}-text`} aria-labelledby={`${id}-text-tab`} tabIndex={0}>
            <pre className="h-[28rem] overflow-auto rounded-md border border-slate-200 bg-white p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-800 [overflow-wrap:anywhere] dark:border-slate-800 dark:bg-slate-900 dark:text-slate-200">
              {text}
            </pre>
          </div>
        )}
      </div>
    </section>
  );
}
