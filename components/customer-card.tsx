/** The frame of every page a shop's customer sees: centred card, business name on top. */
export function CustomerCard({ business, title, children }: { business?: string; title: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        {business && <p className="text-sm font-medium text-slate-500 dark:text-slate-400">{business}</p>}
        <h1 className="mt-1 text-xl font-semibold">{title}</h1>
        <div className="mt-4 space-y-4 text-slate-700 dark:text-slate-300">{children}</div>
      </div>
    </main>
  );
}

export function ButtonLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <a
      href={href}
      className="inline-flex w-full items-center justify-center rounded-lg bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
    >
      {children}
    </a>
  );
}
