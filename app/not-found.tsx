import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-medium text-brand-600">404</p>
      <h1 className="text-2xl font-semibold">This page does not exist</h1>
      <p className="text-slate-500">The link may be mistyped, or what it pointed to was removed.</p>
      <Link href="/" className="text-sm font-medium text-brand-600 underline">
        Go to Cartback
      </Link>
    </main>
  );
}
